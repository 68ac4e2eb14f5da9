//! `cargo xtask codegen` prints warnings to stderr, sorted, and still writes the crate and exits 0.

use std::path::Path;
use std::process::Command;

#[test]
fn codegen_prints_warnings_and_writes_the_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let work = tempfile::tempdir().expect("temporary directory");
    let out = work.path().join("generated");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(&root)
        .args(["codegen", "--spec", "tests/fixtures/lenient.yaml", "--out"])
        .arg(&out)
        .output()
        .expect("codegen runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "codegen failed:\n{stderr}");
    assert!(
        stderr.contains(
            "warning: `required` is empty, which OpenAPI 3.0 does not allow: read as no required \
             properties\n  --> tests/fixtures/lenient.yaml#/components/schemas/Tags/required\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.trim_end().ends_with("warning: 13 warnings"),
        "{stderr}"
    );
    assert!(!stderr.contains("error"), "{stderr}");
    // Sorted: the components come before the paths.
    let components = stderr.find("#/components/").expect("a component warning");
    let paths = stderr.find("#/paths/").expect("a path warning");
    assert!(components < paths, "{stderr}");
    assert!(out.join("src/lenient/models.rs").is_file());
}
