//! OpenAPI 3.1 is read as the 3.0 it means: the seed specs rewritten in 3.1 form
//! (`tests/openapi31/`, nullable as `type: [T, "null"]`) generate byte for byte what the 3.0
//! originals in `spec/` do.

use std::path::Path;

use apigen::{SpecSource, generate};

fn source(path: &Path, display: &str) -> SpecSource {
    SpecSource {
        display_path: display.to_owned(),
        text: std::fs::read_to_string(path).expect("spec is readable"),
    }
}

#[test]
fn the_31_seed_specs_generate_what_their_30_originals_do() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["waldur", "graalsystems"] {
        let display = format!("spec/{name}.yaml");
        let original = source(&root.join("spec").join(format!("{name}.yaml")), &display);
        let rewritten = source(
            &root
                .join("tests")
                .join("openapi31")
                .join(format!("{name}.yaml")),
            &display,
        );
        assert!(rewritten.text.contains("openapi: 3.1.0"));
        let from_30 = generate(&[original]).expect("the 3.0 spec generates");
        let from_31 = match generate(&[rewritten]) {
            Ok(files) => files,
            Err(diagnostics) => {
                panic!("the 3.1 rewrite of {name} does not generate:\n{diagnostics}")
            }
        };
        let differing: Vec<&String> = from_30
            .keys()
            .chain(from_31.keys())
            .filter(|path| from_30.get(*path) != from_31.get(*path))
            .collect();
        assert!(differing.is_empty(), "{name}: {differing:?} differ");
    }
}
