//! Runs rustfmt over a generated crate as `cargo fmt` does, and reports what it changed.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file below `dir` with its bytes, by path.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in fs::read_dir(&current).expect("directory is readable") {
            let path = entry.expect("directory entry is readable").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = fs::read(&path).expect("file is readable");
                found.insert(path, bytes);
            }
        }
    }
    found
}

/// Formats the crate in `crate_dir` in place, as `cargo fmt` would (rustfmt from `src/lib.rs`,
/// following its modules and honouring `#[rustfmt::skip]`), and returns the files it changed.
/// Panics when rustfmt fails.
pub fn files_rustfmt_changes(crate_dir: &Path) -> Vec<PathBuf> {
    let src = crate_dir.join("src");
    let before = snapshot(&src);
    assert!(!before.is_empty(), "{} holds no files", src.display());
    let output = Command::new("rustfmt")
        .args(["--edition", "2024"])
        .arg(src.join("lib.rs"))
        .output()
        .expect("rustfmt can be started");
    assert!(
        output.status.success(),
        "rustfmt failed on {}: {}\n{}",
        crate_dir.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let after = snapshot(&src);
    after
        .into_iter()
        .filter(|(path, bytes)| before.get(path) != Some(bytes))
        .map(|(path, _)| path)
        .collect()
}
