//! prettyplease is not rustfmt: this keeps the two from drifting apart on the committed
//! `generated/` crate, so `cargo fmt --all` never rewrites generated code.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every `.rs` file below `dir`, sorted.
fn rust_files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).expect("directory is readable") {
            let path = entry.expect("directory entry is readable").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

#[test]
fn generated_sources_are_rustfmt_clean() {
    let generated_src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("generated")
        .join("src");
    let files = rust_files_under(&generated_src);
    assert!(!files.is_empty(), "generated/src holds no .rs files");
    let output = Command::new("rustfmt")
        .args(["--check", "--edition", "2024"])
        .args(&files)
        .output()
        .expect("rustfmt can be started");
    assert!(
        output.status.success(),
        "rustfmt would reformat generated/src: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
