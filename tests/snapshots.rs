//! Snapshots of what the generator produces: every file generated from each fixture in
//! `tests/fixtures/` (its module's Rust files, the crate root and `Cargo.toml`; the runtime is a
//! verbatim copy of `templates/runtime/`), and the diagnostics rendered for each broken spec in
//! `tests/bad/`. The crate generated from `spec/` is not snapshotted: it is committed as
//! `generated/`, which `tests/freshness.rs` keeps equal to what the generator writes.
//!
//! Accept new or changed snapshots with `INSTA_UPDATE=always cargo test --test snapshots`, then
//! read the `.snap` files: they are the review. With `CI=true` insta writes nothing and a missing
//! snapshot fails.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use apigen::{Files, SpecSource, generate};

/// The workspace root, where `spec/` lives.
fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every `spec/*.yaml`, sorted by file name, named `spec/<name>` as `cargo xtask codegen` names them.
fn spec_sources() -> Vec<SpecSource> {
    let spec_dir = workspace_root().join("spec");
    let mut paths: Vec<PathBuf> = fs::read_dir(&spec_dir)
        .expect("spec/ is readable")
        .map(|entry| entry.expect("spec/ entry is readable").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "yaml")
        })
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "spec/ holds no *.yaml");
    paths.iter().map(|path| source_at(path, "spec")).collect()
}

/// Reads `path` as a spec whose display path is `<display_dir>/<file name>`.
fn source_at(path: &Path, display_dir: &str) -> SpecSource {
    let file_name = path
        .file_name()
        .and_then(|name| name.to_str())
        .expect("spec file names are UTF-8");
    SpecSource {
        display_path: format!("{display_dir}/{file_name}"),
        text: fs::read_to_string(path).expect("spec file is readable"),
    }
}

/// The file stem of a glob match, which is also the module it becomes.
fn stem_of(path: &Path) -> &str {
    path.file_stem()
        .and_then(|stem| stem.to_str())
        .expect("fixture file names are UTF-8")
}

/// Generates, turning a panic inside the generator into a failed assertion that names the input.
fn generate_without_panic(sources: &[SpecSource]) -> Result<Files, apigen::Diagnostics> {
    let outcome = catch_unwind(AssertUnwindSafe(|| generate(sources)));
    let names: Vec<&str> = sources
        .iter()
        .map(|source| source.display_path.as_str())
        .collect();
    assert!(outcome.is_ok(), "the generator panicked on {names:?}");
    outcome.expect("checked above")
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.yaml", |path| {
        let fixture = stem_of(path);
        let source = source_at(path, "tests/fixtures");
        let files = match generate_without_panic(std::slice::from_ref(&source)) {
            Ok(files) => files,
            Err(diagnostics) => panic!("fixture `{fixture}` does not generate:\n{diagnostics}"),
        };
        // The fixture's module: `src/<module>/*.rs` (the module is usually the file stem, but
        // names the crate uses itself, such as `runtime`, get a suffix).
        // `src/runtime/` is the crate's shared runtime, copied verbatim from `templates/runtime/`.
        let in_module = |path: &str| {
            path == "src/lib.rs"
                || path == "Cargo.toml"
                || (path.starts_with("src/")
                    && !path.starts_with("src/runtime/")
                    && matches!(path.matches('/').count(), 2 | 3))
        };
        let module_dir = "src/<module>/";
        let rust_files: Vec<(&String, &String)> =
            files.iter().filter(|(path, _)| in_module(path)).collect();
        assert!(
            !rust_files.is_empty(),
            "fixture `{fixture}` generated nothing under {module_dir}: {:?}",
            files.keys().collect::<Vec<_>>()
        );
        insta::with_settings!({
            snapshot_path => "snapshots/fixtures",
            prepend_module_to_snapshot => false,
            snapshot_suffix => "",
            omit_expression => true,
        }, {
            for (path, text) in rust_files {
                // The path within the module: `src/<module>/client/<group>.rs` is
                // `client__<group>.rs`; `src/lib.rs` and `Cargo.toml` keep their file names.
                let file = match path.splitn(3, '/').collect::<Vec<_>>().as_slice() {
                    ["src", _, within] => within.replace('/', "__"),
                    _ => path.rsplit('/').next().unwrap_or(path).to_owned(),
                };
                insta::assert_snapshot!(format!("{fixture}__{file}"), text);
            }
        });
    });
}

#[test]
fn bad_specs() {
    insta::glob!("bad/*.yaml", |path| {
        let name = stem_of(path);
        let source = source_at(path, "tests/bad");
        let rendered = match generate_without_panic(std::slice::from_ref(&source)) {
            Ok(files) => panic!(
                "bad spec `{name}` generated {} files instead of failing",
                files.len()
            ),
            Err(diagnostics) => diagnostics.to_string(),
        };
        assert!(
            rendered.contains(&source.display_path),
            "the diagnostics for `{name}` do not name {}:\n{rendered}",
            source.display_path
        );
        assert!(
            rendered.contains("#/") || has_line_column(&rendered, &source.display_path),
            "the diagnostics for `{name}` give neither a JSON pointer nor a line:\n{rendered}"
        );
        insta::with_settings!({
            snapshot_path => "snapshots/bad",
            prepend_module_to_snapshot => false,
            snapshot_suffix => "",
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, rendered);
        });
    });
}

/// Whether `rendered` contains `<file>:<line>:`.
fn has_line_column(rendered: &str, file: &str) -> bool {
    rendered
        .match_indices(&format!("{file}:"))
        .any(|(start, found)| {
            let rest = &rendered[start + found.len()..];
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && rest[digits..].starts_with(':')
        })
}

#[test]
fn generation_is_deterministic() {
    let sources = spec_sources();
    let first = generate(&sources).expect("spec/ generates");
    let second = generate(&sources).expect("spec/ generates");
    assert_same_files(&first, &second, "a second run over spec/");

    // The order the specs are given in does not matter either: modules are sorted by name.
    let mut reversed = sources;
    reversed.reverse();
    let from_reversed = generate(&reversed).expect("spec/ generates");
    assert_same_files(&first, &from_reversed, "the specs given in reverse order");
}

/// Asserts two runs made the same files, naming the paths that differ rather than printing both.
fn assert_same_files(expected: &Files, actual: &Files, what: &str) {
    let paths: std::collections::BTreeSet<&String> = expected.keys().chain(actual.keys()).collect();
    let differing: Vec<&String> = paths
        .into_iter()
        .filter(|path| expected.get(*path) != actual.get(*path))
        .collect();
    assert!(
        differing.is_empty(),
        "{what} gave different files: {differing:?}"
    );
}
