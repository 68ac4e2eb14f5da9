//! `generated/` must be exactly what the generator makes of `spec/` today; this is the same check
//! as `cargo xtask codegen --check`, run read-only inside `cargo test`.

use std::path::Path;

#[test]
fn generated_crate_is_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut specs: Vec<_> = std::fs::read_dir(root.join("spec"))
        .expect("spec/ is readable")
        .map(|entry| entry.expect("spec/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    specs.sort();
    assert!(!specs.is_empty(), "spec/ has no YAML documents");
    let sources: Vec<apigen::SpecSource> = specs
        .iter()
        .map(|path| apigen::SpecSource {
            display_path: format!(
                "spec/{}",
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
            ),
            text: std::fs::read_to_string(path).expect("spec is readable"),
        })
        .collect();
    let files = apigen::generate(&sources)
        .unwrap_or_else(|diagnostics| panic!("spec/ does not generate:\n{diagnostics}"));
    let diff =
        apigen::write::diff_tree(&root.join("generated"), &files).expect("generated/ is readable");
    if let Some(diff) = diff {
        panic!("generated/ is stale; run `cargo xtask codegen`:\n{diff}");
    }
}
