//! `cargo xtask bench --validate`: what the servers' constraint checks cost. One spec, an order
//! of up to 300 items whose fields carry lengths, a pattern, bounds, a step and a format, is
//! generated twice, with its constraints and without them, each crate with the same handler
//! (`xtask/bench/validate_handler.rs`, a release build, which prints the requests per second
//! of its best quarter-second trial); the two are run alternately, `runs` times each, and the
//! medians are compared. It asserts nothing: `docs/benchmarks.md` records the figures.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use apigen::{SpecSource, generate};
use serde_json::{Value, json};

use crate::Result;

/// The bench spec: `POST /orders` with an order of at most 300 items, constraints on every
/// field when `checked`.
fn spec(checked: bool) -> Value {
    let constrained = |schema: Value, constraints: Value| {
        let mut schema = schema;
        if let (true, Value::Object(schema), Value::Object(constraints)) =
            (checked, &mut schema, constraints)
        {
            schema.extend(constraints);
        }
        schema
    };
    let item = json!({
        "type": "object",
        "required": ["sku", "quantity", "price"],
        "properties": {
            "sku": constrained(json!({"type": "string"}), json!({"maxLength": 16, "pattern": "^[A-Z0-9-]+$"})),
            "quantity": constrained(json!({"type": "integer"}), json!({"minimum": 1, "maximum": 1000})),
            "price": constrained(json!({"type": "number"}), json!({"minimum": 0, "multipleOf": 0.01})),
            "note": constrained(json!({"type": "string"}), json!({"maxLength": 200})),
        }
    });
    let order = json!({
        "type": "object",
        "required": ["customer", "items"],
        "properties": {
            "customer": constrained(json!({"type": "string"}), json!({"minLength": 1, "maxLength": 64})),
            "email": constrained(json!({"type": "string"}), json!({"format": "email"})),
            "items": constrained(
                json!({"type": "array", "items": {"$ref": "#/components/schemas/Item"}}),
                json!({"minItems": 1, "maxItems": 300}),
            ),
        }
    });
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Bench", "version": "1"},
        "paths": {"/orders": {"post": {
            "operationId": "create_order",
            "requestBody": {"required": true, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Order"}
            }}},
            "responses": {"204": {"description": "Taken."}}
        }}},
        "components": {"schemas": {"Order": order, "Item": item}}
    })
}

/// Generates both crates, builds their handlers and prints the comparison.
pub fn run(root: &Path, runs: usize) -> Result<std::process::ExitCode> {
    let mut binaries = Vec::new();
    for (name, checked) in [("checked", true), ("unchecked", false)] {
        binaries.push((name, build(root, name, checked)?));
    }
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); binaries.len()];
    for run in 0..runs {
        for (index, (name, binary)) in binaries.iter().enumerate() {
            let output = Command::new(binary).output()?;
            let text = String::from_utf8_lossy(&output.stdout);
            let rate: f64 = text
                .trim()
                .parse()
                .map_err(|_| format!("the {name} handler printed no rate: {text}"))?;
            eprintln!("run {}: {name} {rate:.0} requests/s", run + 1);
            if let Some(list) = rates.get_mut(index) {
                list.push(rate);
            }
        }
    }
    let medians: Vec<f64> = rates.iter_mut().map(|list| median(list)).collect();
    if let [checked, unchecked] = medians[..] {
        println!(
            "300-item body, in-process, median of {runs} runs of each (best trial of each run):"
        );
        println!("  with constraint checks:    {checked:>8.0} requests/s");
        println!("  without (same handler):    {unchecked:>8.0} requests/s");
        println!(
            "  checked / unchecked:       {:>8.1} %",
            100.0 * checked / unchecked
        );
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// Writes the crate generated from `spec(checked)` into `target/bench-validate/<name>/` with the
/// handler as an example, builds it in release, and returns the binary.
fn build(root: &Path, name: &str, checked: bool) -> Result<PathBuf> {
    let source = SpecSource {
        display_path: "bench.json".to_owned(),
        text: spec(checked).to_string(),
    };
    let files = generate(&[source]).map_err(|diagnostics| diagnostics.to_string())?;
    let crate_dir = root.join("target").join("bench-validate").join(name);
    if crate_dir.exists() {
        fs::remove_dir_all(&crate_dir)?;
    }
    for (relative, text) in &files {
        let path = crate_dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let text = if relative == "Cargo.toml" {
            format!(
                "{text}\n[dev-dependencies]\n{}\n{}\n\n[workspace]\n",
                r#"tokio = { version = "1", features = ["macros", "rt"] }"#,
                r#"tower = { version = "0.5", default-features = false, features = ["util"] }"#
            )
        } else {
            text.clone()
        };
        fs::write(&path, text)?;
    }
    fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock"))?;
    fs::create_dir_all(crate_dir.join("examples"))?;
    let handler = root.join("xtask").join("bench").join("validate_handler.rs");
    fs::copy(handler, crate_dir.join("examples").join("handler.rs"))?;
    let target = root.join("target").join("bench-validate-target");
    let status = Command::new(crate::conformance::cargo())
        .args([
            "build",
            "--quiet",
            "--release",
            "--offline",
            "--example",
            "handler",
        ])
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("CARGO_INCREMENTAL", "0")
        .status()?;
    if !status.success() {
        return Err(format!("building the {name} bench handler failed ({status})").into());
    }
    // Both crates build into one target directory: keep each binary under its own name.
    let built = target.join("release").join("examples").join("handler");
    let binary = target.join(format!("handler-{name}"));
    fs::copy(built, &binary)?;
    Ok(binary)
}
