//! `cargo xtask codegen`: generates the output crate from the OpenAPI documents, or with `--check`
//! verifies that it is up to date without writing anything.

use std::ffi::OsStr;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use crate::Result;

/// Arguments of `cargo xtask codegen`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// OpenAPI document to generate from; repeat for several
    /// [default: every *.yaml, *.yml and *.json file directly in spec/]
    #[arg(long = "spec", value_name = "FILE")]
    specs: Vec<PathBuf>,

    /// Directory that receives the generated crate [default: generated/ in the workspace root]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// Write nothing: print a unified diff and exit 1 if the output directory is stale
    #[arg(long)]
    check: bool,
}

/// Runs the generator over the chosen documents, then writes or checks the output directory.
pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    let current_dir = std::env::current_dir()
        .map_err(|error| format!("cannot read the current directory: {error}"))?;
    let specs = if args.specs.is_empty() {
        default_specs(root)?
    } else {
        args.specs
            .iter()
            .map(|given| Located::new(root, &current_dir, given))
            .collect()
    };
    let out_dir = match &args.out {
        Some(given) => Located::new(root, &current_dir, given),
        None => Located::new(root, root, Path::new(DEFAULT_OUT_DIR)),
    };

    let sources = specs
        .iter()
        .map(|spec| {
            let text = fs::read_to_string(&spec.path)
                .map_err(|error| format!("{}: {error}", spec.display))?;
            Ok(apigen::SpecSource {
                display_path: spec.display.clone(),
                text,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let files = match apigen::generate_with_warnings(&sources) {
        Ok(generated) => {
            // Warnings do not stop generation: the spec was read as each one says.
            if !generated.warnings.0.is_empty() {
                eprintln!("{}", generated.warnings);
            }
            generated.files
        }
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            return Ok(ExitCode::FAILURE);
        }
    };

    let out_name = format!("{}/", out_dir.display.trim_end_matches('/'));
    if args.check {
        match apigen::write::diff_tree(&out_dir.path, &files)? {
            None => {
                println!("{out_name} is up to date");
                Ok(ExitCode::SUCCESS)
            }
            Some(diff) => {
                print!("{diff}");
                eprintln!("{out_name} is stale: run cargo xtask codegen");
                Ok(ExitCode::FAILURE)
            }
        }
    } else {
        let summary = apigen::write::write_tree(&out_dir.path, &files)?;
        println!(
            "wrote {} files ({} unchanged, {} removed) to {out_name}",
            summary.written.len(),
            summary.unchanged.len(),
            summary.removed.len()
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// Where the OpenAPI documents live, relative to the workspace root.
const SPEC_DIR: &str = "spec";

/// Where the generated crate goes, relative to the workspace root.
const DEFAULT_OUT_DIR: &str = "generated";

/// File extensions that mark an OpenAPI document in [`SPEC_DIR`].
const SPEC_EXTENSIONS: &[&str] = &["yaml", "yml", "json"];

/// A path to use for I/O together with the name to show for it.
#[derive(Debug, PartialEq, Eq)]
struct Located {
    path: PathBuf,
    /// Relative to the workspace root with `/` separators when the path is inside it (such as
    /// `spec/waldur.yaml`), else the path as given.
    display: String,
}

impl Located {
    /// Resolves `given` against `base` (the current directory for command-line paths).
    fn new(root: &Path, base: &Path, given: &Path) -> Self {
        let path = base.join(given);
        let display = normalize_lexically(&path)
            .strip_prefix(normalize_lexically(root))
            .ok()
            .filter(|relative| !relative.as_os_str().is_empty())
            .map(|relative| {
                relative
                    .components()
                    .map(|component| component.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_else(|| given.display().to_string());
        Located { path, display }
    }
}

/// Drops `.` and resolves `..` by dropping the previous component, without touching the disk. It
/// is only used to decide how a path is shown; I/O uses the path as given.
fn normalize_lexically(path: &Path) -> PathBuf {
    let mut normalized = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !normalized.pop() {
                    normalized.push(component);
                }
            }
            other => normalized.push(other),
        }
    }
    normalized
}

/// Every OpenAPI document directly in `<root>/spec/`, sorted by file name.
fn default_specs(root: &Path) -> Result<Vec<Located>> {
    let spec_dir = root.join(SPEC_DIR);
    let mut paths = Vec::new();
    for entry in
        fs::read_dir(&spec_dir).map_err(|error| format!("{}: {error}", spec_dir.display()))?
    {
        let path = entry
            .map_err(|error| format!("{}: {error}", spec_dir.display()))?
            .path();
        let is_spec = path
            .extension()
            .and_then(OsStr::to_str)
            .is_some_and(|extension| SPEC_EXTENSIONS.contains(&extension));
        if is_spec && path.is_file() {
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return Err(format!(
            "no OpenAPI documents (*.yaml, *.yml, *.json) in {SPEC_DIR}/: add one or pass --spec FILE"
        )
        .into());
    }
    // All entries share one directory, so sorting the paths sorts by file name.
    paths.sort();
    Ok(paths
        .iter()
        .map(|path| Located::new(root, root, path))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cli;
    use clap::Parser;

    #[test]
    fn paths_inside_the_workspace_are_shown_relative_to_it() {
        let root = Path::new("/work/main");
        let from_xtask = Located::new(
            root,
            Path::new("/work/main/xtask"),
            Path::new("../spec/waldur.yaml"),
        );
        assert_eq!(from_xtask.display, "spec/waldur.yaml");
        assert_eq!(
            from_xtask.path,
            Path::new("/work/main/xtask/../spec/waldur.yaml")
        );

        let from_root = Located::new(root, root, Path::new("./generated"));
        assert_eq!(from_root.display, "generated");
    }

    #[test]
    fn paths_outside_the_workspace_are_shown_as_given() {
        let root = Path::new("/work/main");
        let absolute = Located::new(root, root, Path::new("/tmp/other.yaml"));
        assert_eq!(absolute.display, "/tmp/other.yaml");
        assert_eq!(absolute.path, Path::new("/tmp/other.yaml"));

        let sibling = Located::new(
            root,
            Path::new("/work/main"),
            Path::new("../mainline/x.yaml"),
        );
        assert_eq!(sibling.display, "../mainline/x.yaml");
    }

    #[test]
    fn spec_is_repeatable_and_out_and_check_parse() -> Result<()> {
        let cli = Cli::try_parse_from([
            "cargo xtask",
            "codegen",
            "--spec",
            "a.yaml",
            "--spec",
            "b.json",
            "--out",
            "out",
            "--check",
        ])?;
        let crate::Command::Codegen(args) = cli.command else {
            return Err("expected the codegen subcommand".into());
        };
        assert_eq!(
            args.specs,
            [PathBuf::from("a.yaml"), PathBuf::from("b.json")]
        );
        assert_eq!(args.out, Some(PathBuf::from("out")));
        assert!(args.check);
        Ok(())
    }

    #[test]
    fn default_specs_are_the_openapi_files_directly_in_spec_sorted_by_name() -> Result<()> {
        let root = std::env::temp_dir().join(format!("xtask-default-specs-{}", std::process::id()));
        let spec_dir = root.join(SPEC_DIR);
        fs::create_dir_all(spec_dir.join("nested.yaml"))?;
        for name in ["b.yaml", "a.json", "c.yml", "notes.txt", "README.md"] {
            fs::write(spec_dir.join(name), "openapi: 3.0.3\n")?;
        }
        fs::write(spec_dir.join("nested.yaml").join("inner.yaml"), "")?;

        let listed = default_specs(&root);
        fs::remove_dir_all(&root)?;

        let names: Vec<String> = listed?.into_iter().map(|spec| spec.display).collect();
        assert_eq!(names, ["spec/a.json", "spec/b.yaml", "spec/c.yml"]);
        Ok(())
    }

    #[test]
    fn an_empty_spec_folder_is_an_error_that_says_what_to_do() -> Result<()> {
        let root = std::env::temp_dir().join(format!("xtask-empty-specs-{}", std::process::id()));
        fs::create_dir_all(root.join(SPEC_DIR))?;
        let listed = default_specs(&root);
        fs::remove_dir_all(&root)?;
        let error = listed.err().ok_or("an empty spec/ was accepted")?;
        assert!(error.to_string().contains("--spec FILE"), "{error}");
        Ok(())
    }

    #[test]
    fn a_bad_spec_fails_and_leaves_the_output_untouched() -> Result<()> {
        let scratch = std::env::temp_dir().join(format!("xtask-bad-spec-{}", std::process::id()));
        let out = scratch.join("generated");
        fs::create_dir_all(&out)?;
        fs::write(out.join("keep.rs"), "// the previous output\n")?;
        let bad = scratch.join("bad.yaml");
        fs::write(
            &bad,
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {}\n",
        )?;
        let args = Args {
            specs: vec![bad],
            out: Some(out.clone()),
            check: false,
        };
        let exit = run(&scratch, args)?;
        let kept = fs::read_to_string(out.join("keep.rs"))?;
        let entries = fs::read_dir(&out)?.count();
        fs::remove_dir_all(&scratch)?;
        assert_eq!(
            exit,
            ExitCode::FAILURE,
            "a spec without responses must fail"
        );
        assert_eq!(kept, "// the previous output\n");
        assert_eq!(entries, 1, "nothing was added to the output directory");
        Ok(())
    }
}
