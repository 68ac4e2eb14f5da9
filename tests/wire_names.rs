//! No Rust name changes the wire: `apigen::audit` reads each generated crate back (models, client
//! methods, server readers) and compares the names serde and the runtime calls would send with
//! the spec's, for the seed specs and every fixture (`cargo xtask corpus` does the same for the
//! corpus). Names like keywords, locals, colliding schemas and odd cases are what the fixtures hold.

use std::fs;
use std::path::Path;

use apigen::{SpecSource, generate};

fn sources() -> Vec<SpecSource> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    for directory in ["spec", "tests/fixtures"] {
        let mut paths: Vec<_> = fs::read_dir(root.join(directory))
            .expect("directory is readable")
            .map(|entry| entry.expect("entry").path())
            .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("UTF-8 name");
            sources.push(SpecSource {
                display_path: format!("{directory}/{name}"),
                text: fs::read_to_string(&path).expect("spec is readable"),
            });
        }
    }
    sources
}

#[test]
fn no_generated_name_changes_what_goes_on_the_wire() {
    let sources = sources();
    assert!(sources.len() > 30, "the seeds and fixtures are found");
    let mut problems = Vec::new();
    for source in &sources {
        let files = match generate(std::slice::from_ref(source)) {
            Ok(files) => files,
            Err(diagnostics) => panic!("{} does not generate:\n{diagnostics}", source.display_path),
        };
        for problem in apigen::audit::check_spec(source, &files) {
            problems.push(format!("{}: {problem}", source.display_path));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The audit is not a check that cannot fail: a renamed key, a dropped rename, a parameter read
/// under another name and a wrong path are each caught.
#[test]
fn the_audit_catches_names_that_leak_onto_the_wire() {
    let source = sources()
        .into_iter()
        .find(|source| source.display_path == "spec/waldur.yaml")
        .expect("the Waldur seed");
    let files = generate(std::slice::from_ref(&source)).expect("generates");
    assert_eq!(
        apigen::audit::check_spec(&source, &files),
        Vec::<String>::new()
    );
    let tamper = |path: &str, from: &str, to: &str| {
        let mut files = files.clone();
        let text = files.get(path).expect("file").clone();
        assert!(text.contains(from), "{path} holds {from}");
        files.insert(path.to_owned(), text.replacen(from, to, 1));
        apigen::audit::check_spec(&source, &files)
    };
    let models = "src/waldur/models/marketplace_component_user_usages.rs";
    let problems = tamper(models, "=> \"-usage\",", "=> \"usage-\",");
    assert!(
        problems.iter().any(|p| p.contains("-usage")),
        "{problems:?}"
    );
    let problems = tamper(models, "\"-usage\" =>", "\"usage-\" =>");
    assert!(problems.iter().any(|p| p.contains("reads")), "{problems:?}");
    let client = "src/waldur/client/slurm_allocation_user_usage.rs";
    let problems = tamper(
        client,
        "request.query(\"page_size\"",
        "request.query(\"pageSize\"",
    );
    assert!(
        problems.iter().any(|p| p.contains("pageSize")),
        "{problems:?}"
    );
    let problems = tamper(
        "src/waldur/server/slurm_allocation_user_usage.rs",
        "incoming.query(\"page_size\")",
        "incoming.query(\"page\")",
    );
    assert!(
        problems.iter().any(|p| p.contains("server reads")),
        "{problems:?}"
    );
    let problems = tamper(client, "\"/api/", "\"/api/v2/");
    assert!(
        problems.iter().any(|p| p.contains("requests")),
        "{problems:?}"
    );
    // A group's module whose file is missing is not read as a module without operations.
    let mut missing = files.clone();
    missing.remove(client);
    let problems = apigen::audit::check_spec(&source, &missing);
    assert!(
        problems.iter().any(|p| p.contains("has no file")),
        "{problems:?}"
    );
}

/// Struct keys: a key changed, or sent with another field's value, is caught; so are a dropped
/// `rename` or a changed `rename_all` where serde's derive writes the struct.
#[test]
fn the_audit_catches_struct_keys_that_change() {
    let source = sources()
        .into_iter()
        .find(|source| source.display_path == "tests/fixtures/keyword_names.yaml")
        .expect("the keyword fixture");
    let files = generate(std::slice::from_ref(&source)).expect("generates");
    assert_eq!(
        apigen::audit::check_spec(&source, &files),
        Vec::<String>::new()
    );
    let models = "src/keyword_names/models.rs";
    for (from, to) in [
        (".field(\"type\"", ".field(\"type_\""),
        ("(\"for\", &self.for_)", "(\"for\", &self.type_)"),
    ] {
        let mut tampered = files.clone();
        let text = tampered.get(models).expect("models").clone();
        assert!(text.contains(from), "{from}");
        tampered.insert(models.to_owned(), text.replacen(from, to, 1));
        let problems = apigen::audit::check_spec(&source, &tampered);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("is sent as (key, field)")),
            "{problems:?}"
        );
    }
    // A struct that keeps unknown properties is written by serde's derive.
    let source = sources()
        .into_iter()
        .find(|source| source.display_path == "tests/fixtures/additional_properties.yaml")
        .expect("the additional properties fixture");
    let files = generate(std::slice::from_ref(&source)).expect("generates");
    let models = "src/additional_properties/models.rs";
    let text = files.get(models).expect("models").clone();
    for (from, to) in [
        ("#[serde(rename_all = \"camelCase\")]", ""),
        (
            "#[serde(rename_all = \"camelCase\")]",
            "#[serde(rename_all = \"snake_case\")]",
        ),
    ] {
        assert!(text.contains(from), "{from}");
        let mut tampered = files.clone();
        tampered.insert(models.to_owned(), text.replacen(from, to, 1));
        let problems = apigen::audit::check_spec(&source, &tampered);
        assert!(
            problems.iter().any(|p| p.contains("is sent with the keys")),
            "{problems:?}"
        );
    }
    let mut tampered = files.clone();
    let text = tampered.get(models).expect("models").clone();
    assert!(text.contains("\"type\" =>"), "the reader matches the key");
    tampered.insert(
        models.to_owned(),
        text.replacen("\"type\" =>", "\"kind\" =>", 1),
    );
    let problems = apigen::audit::check_spec(&source, &tampered);
    assert!(
        problems.iter().any(|p| p.contains("is read from the keys")),
        "{problems:?}"
    );
}
