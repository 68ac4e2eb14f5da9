//! Generated code is compiled as well as diffed: every fixture in `tests/fixtures/` becomes one
//! module of a single crate, written to `target/fixture-crate/`, which must pass
//! `cargo clippy -- -D warnings`, and which `cargo fmt` must leave byte for byte as it is.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use apigen::{SpecSource, generate};

#[path = "support/rustfmt_check.rs"]
mod rustfmt_check;

/// The workspace root.
fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `tests/fixtures/*.yaml`, sorted, named as the snapshot tests name them.
fn fixture_sources() -> Vec<SpecSource> {
    let fixture_dir = workspace_root().join("tests").join("fixtures");
    let mut paths: Vec<PathBuf> = fs::read_dir(&fixture_dir)
        .expect("tests/fixtures/ is readable")
        .map(|entry| entry.expect("tests/fixtures/ entry is readable").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "yaml")
        })
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "tests/fixtures/ holds no *.yaml");
    paths
        .iter()
        .map(|path| {
            let file_name = path
                .file_name()
                .and_then(|name| name.to_str())
                .expect("fixture file names are UTF-8");
            SpecSource {
                display_path: format!("tests/fixtures/{file_name}"),
                text: fs::read_to_string(path).expect("fixture is readable"),
            }
        })
        .collect()
}

/// Dependencies of the fixture crate's own tests, at versions the outer lock file already holds.
const FIXTURE_DEV_DEPENDENCIES: &str = r#"[dev-dependencies]
reqwest = { version = "0.13", default-features = false, features = ["multipart"] }
tokio = { version = "1", features = ["io-util", "macros", "net", "rt", "time"] }"#;

/// Writes the crate generated from all fixtures into a fresh `target/fixture-crate/`, as its own
/// workspace with the outer workspace's lock file (so the dependency versions are ones already
/// built and cached), and returns its directory.
fn write_fixture_crate() -> PathBuf {
    let files = match generate(&fixture_sources()) {
        Ok(files) => files,
        Err(diagnostics) => panic!("the fixtures do not generate together:\n{diagnostics}"),
    };
    let crate_dir = workspace_root().join("target").join("fixture-crate");
    if crate_dir.exists() {
        fs::remove_dir_all(&crate_dir).expect("old target/fixture-crate/ can be removed");
    }
    for (relative, text) in &files {
        let path = crate_dir.join(relative);
        fs::create_dir_all(path.parent().expect("generated paths have a parent"))
            .expect("fixture crate directory can be created");
        let text = if relative == "Cargo.toml" {
            // Without a `[workspace]` of its own, cargo would take the crate for a member of the
            // outer workspace, which does not list it. The wire test needs a runtime for its server.
            format!("{text}\n{FIXTURE_DEV_DEPENDENCIES}\n[workspace]\n")
        } else {
            text.clone()
        };
        fs::write(&path, text).expect("fixture crate file can be written");
    }
    fs::copy(
        workspace_root().join("Cargo.lock"),
        crate_dir.join("Cargo.lock"),
    )
    .expect("Cargo.lock can be copied");
    // The client wire test of the fixtures, with the recording server the seed client tests use.
    let wire_dir = crate_dir.join("tests").join("wire");
    fs::create_dir_all(&wire_dir).expect("tests/wire/ can be created");
    for (from, to) in [
        (["tests", "fixture_crate", "wire.rs"], "main.rs"),
        (["tests", "client", "recorder.rs"], "recorder.rs"),
        (["tests", "fixture_crate", "server.rs"], "server.rs"),
        (["tests", "fixture_crate", "unions.rs"], "unions.rs"),
        (["tests", "fixture_crate", "bodies.rs"], "bodies.rs"),
        (
            ["tests", "fixture_crate", "constraints.rs"],
            "constraints.rs",
        ),
        (
            ["tests", "fixture_crate", "discriminator.rs"],
            "discriminator.rs",
        ),
    ] {
        let source: PathBuf = from
            .iter()
            .fold(workspace_root().to_path_buf(), |path, part| path.join(part));
        fs::copy(&source, wire_dir.join(to)).expect("wire test files can be copied");
    }
    crate_dir
}

/// Runs `cargo <args>` in `crate_dir` with a target directory of its own: the outer `cargo test`
/// holds the lock on the workspace's. `args` is split at `--` so `--offline` goes before it.
fn cargo_in(crate_dir: &Path, args: &[&str], offline: bool) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    let split = args
        .iter()
        .position(|arg| *arg == "--")
        .unwrap_or(args.len());
    command.args(&args[..split]).arg("--quiet");
    if offline {
        command.arg("--offline");
    }
    command
        .args(&args[split..])
        .current_dir(crate_dir)
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target").join("fixture-crate-target"),
        )
        // The crate is written afresh on every run and checked under several feature sets:
        // incremental caches would never be reused and grow by gigabytes a run.
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .expect("cargo can be started")
}

fn describe(output: &Output) -> String {
    format!(
        "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn fixture_crate_passes_clippy_and_rustfmt() {
    let crate_dir = write_fixture_crate();

    // The operation groups' features, in the order `default` lists them: one group alone and two
    // together must compile as cleanly as all of them.
    let manifest = fs::read_to_string(crate_dir.join("Cargo.toml")).expect("Cargo.toml");
    let groups = group_features(&manifest);
    assert!(
        groups.len() > 20,
        "the fixtures' groups are features: {groups:?}"
    );
    let client_only = format!("client,{}", groups.join(","));
    let server_only = format!("server,{}", groups.join(","));
    let one_group = format!("client,server,{}", groups[0]);
    let two_groups = format!("client,server,{},{}", groups[1], groups[groups.len() - 1]);
    // Clippy with every warning an error, with every feature and with some; then the doctests
    // (descriptions copied into docs must not turn into Rust code that rustdoc tries to compile,
    // and the client example must compile); then the client's wire test.
    for (what, args) in [
        (
            "clippy",
            &["clippy", "--all-targets", "--", "-D", "warnings"][..],
        ),
        (
            "clippy without the client feature",
            &["clippy", "--no-default-features", "--", "-D", "warnings"][..],
        ),
        (
            "clippy with the client alone (every group)",
            &[
                "clippy",
                "--no-default-features",
                "--features",
                &client_only,
                "--",
                "-D",
                "warnings",
            ][..],
        ),
        (
            "clippy with the server alone (every group)",
            &[
                "clippy",
                "--no-default-features",
                "--features",
                &server_only,
                "--",
                "-D",
                "warnings",
            ][..],
        ),
        (
            "clippy with the client and server but no group",
            &[
                "clippy",
                "--no-default-features",
                "--features",
                "client,server",
                "--",
                "-D",
                "warnings",
            ][..],
        ),
        (
            "clippy with one group",
            &[
                "clippy",
                "--no-default-features",
                "--features",
                &one_group,
                "--",
                "-D",
                "warnings",
            ][..],
        ),
        (
            "clippy with two groups",
            &[
                "clippy",
                "--no-default-features",
                "--features",
                &two_groups,
                "--",
                "-D",
                "warnings",
            ][..],
        ),
        ("the doctests", &["test", "--doc"][..]),
        ("the client wire test", &["test", "--test", "wire"][..]),
    ] {
        let mut output = cargo_in(&crate_dir, args, true);
        if !output.status.success() && String::from_utf8_lossy(&output.stderr).contains("offline") {
            // A dependency version is not in the local cache yet: fetch it once.
            output = cargo_in(&crate_dir, args, false);
        }
        assert!(
            output.status.success(),
            "{what} reject the crate generated from tests/fixtures/ (in {}): {}",
            crate_dir.display(),
            describe(&output)
        );
    }

    // Last, as it rewrites files in place: `cargo fmt` must leave every generated file alone.
    let changed = rustfmt_check::files_rustfmt_changes(&crate_dir);
    assert!(
        changed.is_empty(),
        "rustfmt would change these files of the crate generated from tests/fixtures/: {changed:?}"
    );
}

/// The features the generated `Cargo.toml`'s `default` lists besides `client` and `server`.
fn group_features(manifest: &str) -> Vec<String> {
    let table: toml_edit::DocumentMut = manifest.parse().expect("Cargo.toml parses");
    let default = table["features"]["default"]
        .as_array()
        .expect("a default feature list");
    default
        .iter()
        .filter_map(|value| value.as_str())
        .filter(|feature| !["client", "server"].contains(feature))
        .map(str::to_owned)
        .collect()
}

/// Writes one crate per fixture into `target/fixture-each/`, members of one workspace, so each
/// generated runtime holds exactly the pieces its own spec needs. Returns the workspace directory.
fn write_each_fixture_crate() -> PathBuf {
    let workspace_dir = workspace_root().join("target").join("fixture-each");
    if workspace_dir.exists() {
        fs::remove_dir_all(&workspace_dir).expect("old target/fixture-each/ can be removed");
    }
    let mut members = Vec::new();
    for source in fixture_sources() {
        let stem = source
            .display_path
            .trim_start_matches("tests/fixtures/")
            .trim_end_matches(".yaml")
            .replace('_', "-");
        let files = match generate(std::slice::from_ref(&source)) {
            Ok(files) => files,
            Err(diagnostics) => panic!("{} does not generate:\n{diagnostics}", source.display_path),
        };
        let crate_dir = workspace_dir.join(&stem);
        for (relative, text) in &files {
            let path = crate_dir.join(relative);
            fs::create_dir_all(path.parent().expect("generated paths have a parent"))
                .expect("fixture crate directory can be created");
            // Package names must differ within a workspace; the code only says `crate::`.
            let text = if relative == "Cargo.toml" {
                text.replacen("name = \"apis\"", &format!("name = \"fixture-{stem}\""), 1)
            } else {
                text.clone()
            };
            fs::write(&path, text).expect("fixture crate file can be written");
        }
        members.push(format!("\"{stem}\""));
    }
    fs::write(
        workspace_dir.join("Cargo.toml"),
        format!(
            "[workspace]\nmembers = [{}]\nresolver = \"3\"\n",
            members.join(", ")
        ),
    )
    .expect("workspace manifest can be written");
    fs::copy(
        workspace_root().join("Cargo.lock"),
        workspace_dir.join("Cargo.lock"),
    )
    .expect("Cargo.lock can be copied");
    workspace_dir
}

#[test]
fn each_fixture_alone_passes_clippy() {
    // The combined crate above compiles the union of what the fixtures need; alone, each spec's
    // crate gets only its own runtime pieces and imports, and must be just as clean.
    let workspace_dir = write_each_fixture_crate();
    for (what, args) in [
        (
            "clippy",
            &["clippy", "--workspace", "--", "-D", "warnings"][..],
        ),
        (
            "clippy without the client feature",
            &[
                "clippy",
                "--workspace",
                "--no-default-features",
                "--",
                "-D",
                "warnings",
            ][..],
        ),
    ] {
        let mut output = cargo_in(&workspace_dir, args, true);
        if !output.status.success() && String::from_utf8_lossy(&output.stderr).contains("offline") {
            output = cargo_in(&workspace_dir, args, false);
        }
        assert!(
            output.status.success(),
            "{what} rejects a crate generated from one fixture (in {}): {}",
            workspace_dir.display(),
            describe(&output)
        );
    }
}
