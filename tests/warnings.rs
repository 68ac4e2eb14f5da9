//! Warnings: invalid-but-common constructs are read as they clearly mean and reported with their
//! place, and generation goes on. `tests/fixtures/lenient.yaml` holds one of each (its output is
//! snapshotted and compiled with the other fixtures); `tests/lenient/big_integers.json` holds
//! integers beyond 64 bits in a JSON document, which `serde_json` reads as doubles.

use std::fs;
use std::path::{Path, PathBuf};

use apigen::diagnostics::Location;
use apigen::{Diagnostic, Severity, SpecSource, generate_with_warnings};

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Reads `relative` (from the workspace root) as a spec named by that path.
fn source(relative: &str) -> SpecSource {
    SpecSource {
        display_path: relative.to_owned(),
        text: fs::read_to_string(workspace_root().join(relative)).expect("spec is readable"),
    }
}

/// Each warning as `file#pointer: message`, in the order they are reported.
fn places(warnings: &[Diagnostic]) -> Vec<String> {
    warnings
        .iter()
        .map(|warning| {
            assert_eq!(warning.severity, Severity::Warning, "{warning}");
            assert!(warning.help.is_some(), "a warning without help: {warning}");
            match &warning.location {
                Location::Pointer(pointer) => {
                    format!("{}{pointer}: {}", warning.file, warning.message)
                }
                Location::LineColumn(line, column) => {
                    format!("{}:{line}:{column}: {}", warning.file, warning.message)
                }
            }
        })
        .collect()
}

#[test]
fn each_lenient_construct_is_a_located_warning() {
    let generated = generate_with_warnings(&[source("tests/fixtures/lenient.yaml")])
        .unwrap_or_else(|errors| panic!("lenient.yaml does not generate:\n{errors}"));
    let at = "tests/fixtures/lenient.yaml#";
    let reading = format!("{at}/components/schemas/Reading");
    let threshold = format!("{at}/paths/~1readings/get/parameters/1/schema");
    assert_eq!(
        places(&generated.warnings.0),
        [
            format!(
                "{reading}/properties/code/enum/2: `enum` value 1.8446744073709552e+19 of an \
                 integer schema is not a 64-bit integer: dropped"
            ),
            format!(
                "{reading}/properties/label/default: `default` is a number `1`, not of \
                 `type: string`: read as `\"1\"`"
            ),
            format!(
                "{reading}/properties/note/type: `type: 'null'` is not an OpenAPI 3.0 type: \
                 read as any value, `nullable: true`"
            ),
            format!(
                "{reading}/properties/scale/default: `default` is a string `\"sometimes\"`, \
                 not of `type: boolean`: ignored"
            ),
            format!(
                "{reading}/properties/unit/enum/2: `enum` lists a string `\"celsius\"` more \
                 than once: the repeat is dropped"
            ),
            format!(
                "{reading}/properties/value/oneOf/1/type: `type: 'null'` is not an OpenAPI 3.0 \
                 type: read as `nullable: true` on the `oneOf`, without this member"
            ),
            format!(
                "{reading}/required/1: `required` names `removed_field`, which is not among \
                 the properties: ignored"
            ),
            format!(
                "{at}/components/schemas/Tags/required: `required` is empty, which OpenAPI 3.0 \
                 does not allow: read as no required properties"
            ),
            format!(
                "{at}/paths/~1readings/get/parameters/0/schema: `schema` is null: read as any \
                 JSON value"
            ),
            format!(
                "{threshold}/default: `default` is a string `\"10\"`, not of `type: integer`: \
                 read as `10`"
            ),
            format!(
                "{threshold}/maximum: `maximum` 1.8446744073709552e+19 is above every 64-bit \
                 integer, so it holds for all: dropped"
            ),
            format!(
                "{threshold}/minimum: `minimum` -1e+20 is below every 64-bit integer, so it \
                 holds for all: dropped"
            ),
            format!(
                "{at}/paths/~1readings/post/requestBody/content/application~1json/schema: \
                 `schema` is null: read as any JSON value"
            ),
        ]
    );
    // What each was read as shows in the types.
    let models = &generated.files["src/lenient/models.rs"];
    for expected in [
        "pub id: i64,",
        "pub note: Option<Option<serde_json::Value>>,",
        "pub value: Option<Option<f64>>,",
        "pub code: Option<i64>,",
    ] {
        assert!(
            models.contains(expected),
            "{expected} is missing:\n{models}"
        );
    }
    assert_eq!(models.matches("Self::Celsius =>").count(), 1, "{models}");
    // The client's text with its groups' module files.
    let client: String = generated
        .files
        .range("src/lenient/client".to_owned().."src/lenient/client~".to_owned())
        .map(|(_, text)| text.as_str())
        .collect();
    assert!(
        client.contains("Option<&serde_json::Value>"),
        "the body of `schema: null` is any JSON value:\n{client}"
    );
}

#[test]
fn warnings_render_as_warnings_after_each_other_sorted() {
    let generated =
        generate_with_warnings(&[source("tests/fixtures/lenient.yaml")]).expect("generates");
    let rendered = generated.warnings.to_string();
    assert!(
        rendered.starts_with(
            "warning: `enum` value 1.8446744073709552e+19 of an integer schema is not a 64-bit \
             integer: dropped\n  --> tests/fixtures/lenient.yaml#/components/schemas/Reading/\
             properties/code/enum/2\n  = help: "
        ),
        "{rendered}"
    );
    assert!(rendered.ends_with("\nwarning: 13 warnings"), "{rendered}");
    assert!(!rendered.contains("error"), "{rendered}");
    // A second run says the same, and `generate` makes the same files without them.
    let again = generate_with_warnings(&[source("tests/fixtures/lenient.yaml")]).expect("again");
    assert_eq!(again.warnings, generated.warnings);
    let files = apigen::generate(&[source("tests/fixtures/lenient.yaml")]).expect("generates");
    assert_eq!(files, generated.files);
}

#[test]
fn integers_beyond_64_bits_in_json_generate_with_warnings() {
    let generated = generate_with_warnings(&[source("tests/lenient/big_integers.json")])
        .unwrap_or_else(|errors| panic!("big_integers.json does not generate:\n{errors}"));
    let at = "tests/lenient/big_integers.json#/components/schemas";
    assert_eq!(
        places(&generated.warnings.0),
        [
            format!(
                "{at}/Codes/enum/1: `enum` value 1.8446744073709552e+19 of an integer schema is \
                 not a 64-bit integer: dropped"
            ),
            format!(
                "{at}/Holder/properties/count/default: `default` is a number `1e+20`, not of \
                 `type: integer`: ignored"
            ),
            format!(
                "{at}/Impossible/minimum: `minimum` 1e+20 is above every 64-bit integer: read \
                 as 9223372036854775807"
            ),
            format!(
                "{at}/Unbounded/maximum: `maximum` 1.8446744073709552e+19 is above every 64-bit \
                 integer, so it holds for all: dropped"
            ),
            format!(
                "{at}/Unbounded/minimum: `minimum` -1e+20 is below every 64-bit integer, so it \
                 holds for all: dropped"
            ),
            format!(
                "{at}/Wide/maximum: `maximum` 18446744073709551615 is above every 64-bit \
                 integer, so it holds for all: dropped"
            ),
        ]
    );
    // Every integer schema stays an integer (before, `openapiv3` read each as untyped: a
    // `serde_json::Value`).
    let models = &generated.files["src/big_integers/models.rs"];
    for expected in [
        "pub type Unbounded = i64;",
        "pub type Wide = i64;",
        "pub type Impossible = i64;",
        "pub type Codes = i64;",
        "pub count: Option<i64>,",
        "pub ratio: Option<f64>,",
    ] {
        assert!(
            models.contains(expected),
            "{expected} is missing:\n{models}"
        );
    }

    // The same document read as YAML (serde_yaml hands such integers over as 128-bit ones)
    // generates the same models with the same warnings.
    let mut yaml = source("tests/lenient/big_integers.json");
    yaml.display_path = "tests/lenient/big_integers.yaml".to_owned();
    let from_yaml = generate_with_warnings(&[yaml]).expect("the YAML reading generates");
    assert_eq!(from_yaml.warnings.0.len(), generated.warnings.0.len());
    let yaml_models = from_yaml.files["src/big_integers/models.rs"].replace(".yaml", ".json");
    assert_eq!(&yaml_models, models);
}

#[test]
fn clean_specs_have_no_warnings() {
    // Only these fixtures are written to warn.
    let warning_fixtures = ["lenient.yaml", "required_empty.yaml"];
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in ["tests/fixtures", "spec"] {
        for entry in fs::read_dir(workspace_root().join(dir)).expect("directory is readable") {
            let path = entry.expect("entry is readable").path();
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or("");
            if name.ends_with(".yaml") && !warning_fixtures.contains(&name) {
                paths.push(path);
            }
        }
    }
    paths.sort();
    for path in paths {
        let relative = path
            .strip_prefix(workspace_root())
            .expect("below the root")
            .to_string_lossy()
            .into_owned();
        let generated = generate_with_warnings(&[source(&relative)])
            .unwrap_or_else(|errors| panic!("{relative} does not generate:\n{errors}"));
        assert!(
            generated.warnings.0.is_empty(),
            "{relative} warns:\n{}",
            generated.warnings
        );
    }
}

#[test]
fn a_failed_run_reports_its_errors_only() {
    let broken = SpecSource {
        display_path: "spec/broken.yaml".to_owned(),
        text: "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {}\n\
               components:\n  schemas:\n    A: {type: object, required: []}\n"
            .to_owned(),
    };
    let errors = generate_with_warnings(&[broken]).expect_err("no responses");
    assert!(
        errors
            .0
            .iter()
            .all(|error| error.severity == Severity::Error),
        "{errors}"
    );
    assert!(
        errors
            .to_string()
            .ends_with("error: could not generate: 1 error"),
        "{errors}"
    );
}

/// A `pattern` the `regex` crate cannot compile (look-around, backreferences: ECMA-only syntax)
/// is a located warning, and the value is not checked against it; generation goes on, and
/// patterns `regex` compiles are checked and warn nothing.
#[test]
fn a_pattern_regex_cannot_compile_is_warned_about_and_not_checked() {
    let spec = r#"
openapi: 3.0.3
info: {title: Patterns, version: '1'}
paths:
  /things:
    post:
      operationId: make_thing
      parameters:
        - name: code
          in: query
          schema: {type: string, pattern: '^(?!x)\w+$'}
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                twice: {type: string, pattern: '^(a)\1$'}
                plain: {type: string, pattern: '^[a-z]+$'}
      responses:
        '204': {description: made}
"#;
    let source = SpecSource {
        display_path: "patterns.yaml".to_owned(),
        text: spec.to_owned(),
    };
    let generated = generate_with_warnings(&[source]).expect("generates");
    let operation = "patterns.yaml#/paths/~1things/post";
    let found = places(&generated.warnings.0);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with(&format!(
            "{operation}/parameters/0/schema/pattern: the `regex` crate cannot compile this pattern ("
        )),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with(&format!(
            "{operation}/requestBody/content/application~1json/schema/properties/twice/pattern: the `regex` crate cannot compile"
        )),
        "{found:#?}"
    );
    assert!(found[0].ends_with("values are not checked against it"));
    let server = &generated.files["src/patterns/server.rs"];
    assert!(server.contains(r#"Pattern::new("^[a-z]+$")"#), "{server}");
    assert_eq!(server.matches("Pattern::new(").count(), 1, "{server}");
}
