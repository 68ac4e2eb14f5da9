//! Text from a spec reaches every output, and none of it may step outside the string or comment
//! it lands in: `tests/fixtures/hostile_strings.yaml` puts quotes, line breaks, `*/`, `#![…]`,
//! TOML tables, Markdown table cells, NUL, tab and carriage returns into its title, version,
//! descriptions, summaries, names and enum values. (The fixture crate test also compiles it.)

use std::path::Path;

use apigen::{Files, SpecSource, generate};

fn generated() -> Files {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile_strings.yaml");
    let source = SpecSource {
        display_path: "tests/fixtures/hostile_strings.yaml".to_owned(),
        text: std::fs::read_to_string(path).expect("fixture is readable"),
    };
    match generate(&[source]) {
        Ok(files) => files,
        Err(diagnostics) => panic!("the hostile fixture does not generate:\n{diagnostics}"),
    }
}

#[test]
fn cargo_toml_gains_nothing_from_the_spec() {
    let files = generated();
    let manifest: toml_edit::DocumentMut = files["Cargo.toml"].parse().expect("Cargo.toml parses");
    let tables: Vec<&str> = manifest.iter().map(|(key, _)| key).collect();
    assert_eq!(tables, ["package", "lints", "features", "dependencies"]);
    let package = manifest["package"].as_table().expect("[package]");
    let keys: Vec<&str> = package.iter().map(|(key, _)| key).collect();
    assert_eq!(
        keys,
        [
            "name",
            "version",
            "description",
            "edition",
            "rust-version",
            "publish"
        ]
    );
    let description = package["description"].as_str().expect("a string");
    assert!(
        description.starts_with("Models and clients for Evil \" title [build-dependencies] "),
        "the title is kept, as one line of text: {description:?}"
    );
    assert!(
        !description.contains(char::is_control),
        "cargo passes the description in an environment variable: {description:?}"
    );
    assert_eq!(package["version"].as_str(), Some("0.1.0"));
}

#[test]
fn rust_files_hold_only_what_the_generator_wrote() {
    let files = generated();
    for (path, text) in files.iter().filter(|(path, _)| path.ends_with(".rs")) {
        let file = syn::parse_file(text).unwrap_or_else(|error| panic!("{path} parses: {error}"));
        for attribute in &file.attrs {
            assert!(
                attribute.path().is_ident("doc"),
                "{path} gained an inner attribute: {}",
                quote::quote!(#attribute)
            );
        }
        for line in text.lines() {
            let code = line.trim_start();
            let in_comment = code.starts_with("//") || code.is_empty();
            assert!(
                in_comment || !code.contains("evil"),
                "{path} has spec text outside a comment or string: {line}"
            );
        }
        let items = file.items.iter().filter(|item| match item {
            syn::Item::Fn(function) => function.sig.ident == "evil",
            _ => false,
        });
        assert_eq!(items.count(), 0, "{path} defines `evil`");
    }
}

#[test]
fn readme_table_keeps_one_row_per_api() {
    let files = generated();
    let readme = &files["README.md"];
    let (apis, features) = readme
        .split_once("## Features")
        .expect("a features section");
    let rows: Vec<&str> = apis
        .lines()
        .filter(|line| line.starts_with("| `"))
        .collect();
    assert_eq!(rows.len(), 1, "{readme}");
    let feature_rows: Vec<&str> = features
        .lines()
        .filter(|line| line.starts_with("| `"))
        .collect();
    assert!(!feature_rows.is_empty(), "{readme}");
    for row in rows.iter().chain(&feature_rows) {
        let cells = row.split(" | ").count();
        assert_eq!(cells, 4, "a `|` in the title must not add cells: {row}");
    }
    let comments = readme.matches("<!--").count() - readme.matches("\\<!--").count();
    assert_eq!(
        comments, 1,
        "only the header opens an HTML comment: {readme}"
    );
    assert!(
        !readme.lines().any(|line| line.starts_with("[build")),
        "{readme}"
    );
}
