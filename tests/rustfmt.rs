//! `cargo fmt --all` leaves every generated file byte for byte as the generator wrote it: the
//! files laid out by prettyplease are declared `#[rustfmt::skip]`, and the small root files that
//! rustfmt does visit (`lib.rs`, each API's `mod.rs`) are written as rustfmt writes them. Checked on
//! the committed `generated/` crate and on crates generated from specs full of random names.

#[path = "support/rustfmt_check.rs"]
mod rustfmt_check;

use std::fs;
use std::path::Path;

use apigen::{SpecSource, generate};
use rustfmt_check::files_rustfmt_changes;
use serde_json::{Value, json};

/// Copies `from` into `to`, recursively.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("directory can be created");
    for entry in fs::read_dir(from).expect("directory is readable") {
        let entry = entry.expect("directory entry is readable");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("file can be copied");
        }
    }
}

#[test]
fn cargo_fmt_changes_no_file_of_the_generated_crate() {
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    let copy = tempfile::tempdir().expect("temporary directory");
    copy_tree(&generated, copy.path());
    let changed = files_rustfmt_changes(copy.path());
    assert!(
        changed.is_empty(),
        "rustfmt would change these files of generated/: {changed:?}"
    );
}

/// How many random specs go into the crate below, and the seed they grow from.
const RANDOM_SPECS: usize = 50;
const SEED: u64 = 0x05ee_d0fa_19e4;

#[test]
fn cargo_fmt_changes_no_file_generated_from_random_names() {
    let mut random = Random(SEED);
    let sources: Vec<SpecSource> = (0..RANDOM_SPECS)
        .map(|index| SpecSource {
            display_path: format!("spec/random_{index}.json"),
            text: random_spec(&mut random).to_string(),
        })
        .collect();
    let files = match generate(&sources) {
        Ok(files) => files,
        Err(diagnostics) => panic!("the random specs do not generate:\n{diagnostics}"),
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    for (relative, text) in &files {
        let path = dir.path().join(relative);
        fs::create_dir_all(path.parent().expect("generated paths have a parent"))
            .expect("directory can be created");
        fs::write(&path, text).expect("generated file can be written");
    }
    let rust_files = files.keys().filter(|path| path.ends_with(".rs")).count();
    assert!(
        rust_files > 4 * RANDOM_SPECS,
        "only {rust_files} Rust files were generated from {RANDOM_SPECS} specs"
    );
    let changed = files_rustfmt_changes(dir.path());
    assert!(
        changed.is_empty(),
        "rustfmt would change {} generated files, e.g. {:?}",
        changed.len(),
        changed.iter().take(5).collect::<Vec<_>>()
    );
}

/// A small deterministic generator (xorshift64*), so the specs are the same on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: usize, high: usize) -> usize {
        let span = u64::try_from(high - low + 1).expect("small span");
        low + usize::try_from(self.next() % span).expect("fits")
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.between(0, items.len() - 1)]
    }

    /// A name of 3 to 60 characters: words in mixed case, joined by `separators`.
    fn name(&mut self, separators: &[&str]) -> String {
        const WORDS: [&str; 24] = [
            "usage",
            "component",
            "allocation",
            "user",
            "id",
            "type",
            "self",
            "ratelimit",
            "remaining",
            "requests",
            "x",
            "v2",
            "page",
            "size",
            "order",
            "field",
            "name",
            "match",
            "async",
            "ok",
            "state",
            "kind",
            "limit",
            "résumé",
        ];
        let length = self.between(3, 60);
        let separator = self.pick(separators);
        let mut name = String::new();
        while name.chars().count() < length {
            if !name.is_empty() {
                name.push_str(separator);
            }
            let word = self.pick(&WORDS);
            let word = match self.between(0, 2) {
                0 => word.to_uppercase(),
                1 => {
                    let mut chars = word.chars();
                    chars.next().map_or_else(String::new, |first| {
                        first.to_uppercase().chain(chars).collect()
                    })
                }
                _ => word.to_owned(),
            };
            name.push_str(&word);
        }
        let name: String = name.chars().take(length).collect();
        let trimmed = name.trim_end_matches(|c: char| !c.is_alphanumeric());
        if trimmed.chars().count() < 3 {
            "abc".to_owned()
        } else {
            trimmed.to_owned()
        }
    }

    /// A name unlike every name in `taken` once case and separators are ignored, so the
    /// generator's own collision rules never see two of them.
    fn fresh_name(&mut self, separators: &[&str], taken: &mut Vec<String>) -> String {
        loop {
            let name = self.name(separators);
            let key: String = name
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            let clashes = taken
                .iter()
                .any(|other| other.starts_with(&key) || key.starts_with(other.as_str()));
            if !clashes && key.chars().next().is_some_and(char::is_alphabetic) {
                taken.push(key);
                return name;
            }
        }
    }

    /// A sentence of random words, sometimes long enough to pass 100 columns.
    fn sentence(&mut self) -> String {
        let words = self.between(1, 30);
        (0..words)
            .map(|_| self.name(&[" "]))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// One spec: an enum, an object, a union over them, and operations with path, query and header
/// parameters, JSON bodies, and responses with headers, all named at random.
fn random_spec(random: &mut Random) -> Value {
    let mut taken = Vec::new();
    let schema_separators = ["", "_", "-", " ", "."];
    let enum_name = random.fresh_name(&schema_separators, &mut taken);
    let object_name = random.fresh_name(&schema_separators, &mut taken);
    let union_name = random.fresh_name(&schema_separators, &mut taken);
    let enum_values: Vec<String> = {
        let mut values = Vec::new();
        (0..random.between(1, 4))
            .map(|_| random.fresh_name(&["-", "_", " ", "", "."], &mut values))
            .collect()
    };
    let mut property_names = Vec::new();
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for index in 0..random.between(1, 6) {
        let name = random.fresh_name(&["_", "-", "", " ", "@"], &mut property_names);
        let schema = match index % 5 {
            0 => json!({"$ref": format!("#/components/schemas/{enum_name}")}),
            1 => json!({"type": "integer", "format": "int64", "description": random.sentence()}),
            2 => json!({"type": "array", "items": {"type": "string", "format": "uuid"}}),
            3 => json!({"type": "string", "format": "date-time", "nullable": true}),
            _ => json!({"type": "string", "maxLength": 32}),
        };
        if random.chance(50) {
            required.push(Value::String(name.clone()));
        }
        properties.insert(name, schema);
    }
    let mut object =
        json!({"type": "object", "description": random.sentence(), "properties": properties});
    if !required.is_empty() {
        object["required"] = Value::Array(required);
    }
    let schemas = json!({
        enum_name.clone(): {"type": "string", "enum": enum_values},
        object_name.clone(): object,
        union_name.clone(): {"oneOf": [
            {"$ref": format!("#/components/schemas/{object_name}")},
            {"type": "integer"},
            {"type": "array", "items": {"$ref": format!("#/components/schemas/{enum_name}")}},
        ]},
    });
    let object_ref = json!({"$ref": format!("#/components/schemas/{object_name}")});
    let union_ref = json!({"$ref": format!("#/components/schemas/{union_name}")});
    let enum_ref = json!({"$ref": format!("#/components/schemas/{enum_name}")});

    let mut paths = serde_json::Map::new();
    let mut operation_ids = Vec::new();
    for _ in 0..random.between(1, 3) {
        let mut parameter_names = Vec::new();
        let segment = random.fresh_name(&["-", "_", ""], &mut Vec::new());
        let path_parameter = random.fresh_name(&["_", ""], &mut parameter_names);
        let query_parameter = random.fresh_name(&["_", "-", "", "."], &mut parameter_names);
        let header_parameter = random.fresh_name(&["-"], &mut parameter_names);
        let response_header = random.fresh_name(&["-"], &mut Vec::new());
        let parameters = json!([
            {"name": path_parameter, "in": "path", "required": true,
             "description": random.sentence(), "schema": {"type": "string"}},
            {"name": query_parameter, "in": "query", "schema":
                if random.chance(50) { enum_ref.clone() } else { json!({"type": "integer"}) }},
            {"name": header_parameter, "in": "header", "required": random.chance(50),
             "schema": {"type": "string"}},
        ]);
        let responses = json!({
            "200": {
                "description": random.sentence(),
                "headers": {response_header: {"schema": {"type": "integer"}}},
                "content": {"application/json": {"schema":
                    if random.chance(50) { union_ref.clone() } else { object_ref.clone() }}},
            },
            "404": {"description": "not found", "content": {"text/plain": {"schema": {"type": "string"}}}},
        });
        let get = json!({
            "operationId": random.fresh_name(&["_", "-", "", " "], &mut operation_ids),
            "summary": random.sentence(),
            "parameters": parameters,
            "responses": responses,
        });
        let post = json!({
            "operationId": random.fresh_name(&["_", "-", ""], &mut operation_ids),
            "description": format!("{}\n\n{}", random.sentence(), random.sentence()),
            "parameters": parameters,
            "requestBody": {"required": random.chance(50), "content": {"application/json": {"schema": object_ref.clone()}}},
            "responses": {"201": {"description": "created", "content": {"application/json": {"schema": union_ref.clone()}}}},
        });
        paths.insert(
            format!("/{segment}/{{{path_parameter}}}"),
            json!({"get": get, "post": post}),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": random.sentence(),
            "version": "1.0.0",
            "description": format!("{}\n\n- {}\n- {}", random.sentence(), random.sentence(), random.sentence()),
        },
        "paths": paths,
        "components": {"schemas": schemas},
    })
}
