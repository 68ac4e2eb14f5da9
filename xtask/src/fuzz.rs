//! `cargo xtask fuzz`: the generator under broken and hostile specs. Structural mutations of the
//! seed specs, the fixtures and the bad specs (keys deleted; values replaced by nulls, numbers,
//! strings, empty or huge containers; `$ref`s to existing and missing places; self-referring
//! `allOf`/`oneOf`/`anyOf`; colliding operation ids; changed `in`/`style`/`explode`; nesting 200
//! levels deep; hostile text in titles, descriptions, names and paths), each generated in-process
//! on a thread with a bounded stack and a time limit. A finding is any of:
//! - a panic, or a run over `--time-limit` (a stack overflow aborts the process: the input being
//!   tried is always in `target/fuzz/current.json` first);
//! - a run slower than `--slow` milliseconds;
//! - an output that does not parse (`.rs` with syn, `Cargo.toml` as TOML) or a `Cargo.toml` that
//!   gained anything a spec must not control (a build script, a dependency, a table).
//!
//! Findings are saved under `target/fuzz/findings/` with what was wrong. The run is deterministic
//! for a given `--seed`. The test suite runs a short pass; `docs/fuzzing.md` records long runs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use apigen::{SpecSource, generate};
use serde_json::{Map, Value, json};

use crate::Result;

/// Arguments of `cargo xtask fuzz`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many mutated specs to try.
    #[arg(long, default_value_t = 10_000)]
    pub iterations: u64,
    /// Where the sequence of mutations starts; the same seed tries the same inputs.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// A generation slower than this many milliseconds is a finding.
    #[arg(long, default_value_t = 1_000)]
    pub slow: u64,
    /// Run in the build the command was started with, not a release build (for the tests).
    #[arg(long, hide = true)]
    pub in_place: bool,
}

/// The stack each input is generated on: the default main-thread size.
const STACK: usize = 8 * 1024 * 1024;

/// How long one input may take before the run stops, unfinished thread and all.
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// The crates a generated `Cargo.toml` may depend on: the generator chooses them, never a spec.
const ALLOWED_DEPENDENCIES: [&str; 13] = [
    "axum",
    "bytes",
    "chrono",
    "futures",
    "multer",
    "percent-encoding",
    "regex",
    "reqwest",
    "rust_decimal",
    "serde",
    "serde_json",
    "serde_path_to_error",
    "uuid",
];

/// Runs the fuzzer; exits 1 when anything was found.
pub fn run(root: &Path, args: Args) -> Result<ExitCode> {
    if cfg!(debug_assertions) && !args.in_place {
        // Like the bench: the fuzzer's throughput is the release build's.
        let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(root)
            .args([
                "run",
                "--quiet",
                "--release",
                "--package",
                "xtask",
                "--",
                "fuzz",
            ])
            .args(["--iterations", &args.iterations.to_string()])
            .args(["--seed", &args.seed.to_string()])
            .args(["--slow", &args.slow.to_string()])
            .status()?;
        return Ok(if status.success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    let report = fuzz(root, &root.join("target").join("fuzz"), &args)?;
    println!("{report}");
    Ok(if report.findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Inputs tried.
    pub inputs: u64,
    /// Inputs the generator accepted (the rest were refused with diagnostics).
    pub generated: u64,
    /// The slowest input, in milliseconds.
    pub slowest_ms: u128,
    /// One line per finding, naming its saved input.
    pub findings: Vec<String>,
    /// How long the run took.
    pub elapsed: Duration,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "fuzz: {} inputs in {:.1} s ({} generated, {} refused with diagnostics), slowest {} ms",
            self.inputs,
            self.elapsed.as_secs_f64(),
            self.generated,
            self.inputs - self.generated,
            self.slowest_ms
        )?;
        for finding in &self.findings {
            writeln!(f, "finding: {finding}")?;
        }
        write!(f, "{} findings", self.findings.len())
    }
}

/// The stack of the thread that mutates, clones, prints and drops the documents: nesting 200
/// levels deep a few times over makes values that recursive `Clone`, `Drop` and serialization
/// walk hundreds of levels down.
const FUZZER_STACK: usize = 256 * 1024 * 1024;

/// Tries `args.iterations` mutated specs and reports what it found; the input being tried and
/// the findings are kept in `dir`.
pub fn fuzz(root: &Path, dir: &Path, args: &Args) -> Result<Report> {
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(FUZZER_STACK)
            .spawn_scoped(scope, || {
                fuzz_on_this_thread(root, dir, args).map_err(|error| error.to_string())
            })?;
        match worker.join() {
            Ok(report) => Ok(report?),
            Err(_) => Err("the fuzzer itself panicked".into()),
        }
    })
}

fn fuzz_on_this_thread(root: &Path, dir: &Path, args: &Args) -> Result<Report> {
    let corpus = corpus(root)?;
    std::fs::create_dir_all(dir.join("findings"))?;
    let current = dir.join("current.json");
    let started = Instant::now();
    let mut random = Random::new(args.seed);
    let mut report = Report::default();
    for iteration in 0..args.iterations {
        if iteration > 0 && iteration % 50_000 == 0 {
            eprintln!(
                "fuzz: {iteration} inputs, {} findings, {:.0} s",
                report.findings.len(),
                started.elapsed().as_secs_f64()
            );
        }
        let (name, base) = &corpus[random.below(corpus.len())];
        let mut document = base.clone();
        for _ in 0..=random.below(3) {
            mutate(&mut document, &mut random);
        }
        let text = if random.below(4) == 0 {
            serde_json::to_string_pretty(&document)?
        } else {
            serde_json::to_string(&document)?
        };
        // Written first, so a crash that takes the process down leaves its input behind.
        std::fs::write(&current, &text)?;
        report.inputs += 1;
        let (outcome, took) = generate_bounded(text.clone())?;
        report.slowest_ms = report.slowest_ms.max(took.as_millis());
        let mut problems = Vec::new();
        match outcome {
            Outcome::Panicked(message) => problems.push(format!("panicked: {message}")),
            Outcome::Refused => {}
            Outcome::Generated(files) => {
                report.generated += 1;
                problems.extend(check_outputs(&files));
            }
        }
        if took > Duration::from_millis(args.slow) {
            problems.push(format!("took {} ms", took.as_millis()));
        }
        if !problems.is_empty() {
            let saved = dir.join("findings").join(format!("{iteration}.json"));
            std::fs::write(&saved, &text)?;
            report.findings.push(format!(
                "{} (from {name}): {}",
                saved.display(),
                problems.join("; ")
            ));
        }
    }
    let _ = std::fs::remove_file(&current);
    report.elapsed = started.elapsed();
    Ok(report)
}

enum Outcome {
    Generated(apigen::Files),
    Refused,
    Panicked(String),
}

/// Generates `text` on a thread with a bounded stack, giving up (with an error that stops the
/// run) after `TIME_LIMIT`.
fn generate_bounded(text: String) -> Result<(Outcome, Duration)> {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(move || {
            let source = SpecSource {
                display_path: "spec/fuzz.json".to_owned(),
                text,
            };
            let started = Instant::now();
            let outcome = match std::panic::catch_unwind(|| generate(&[source])) {
                Ok(Ok(files)) => Outcome::Generated(files),
                Ok(Err(_)) => Outcome::Refused,
                Err(payload) => Outcome::Panicked(
                    payload
                        .downcast_ref::<&str>()
                        .map(|text| (*text).to_owned())
                        .or_else(|| payload.downcast_ref::<String>().cloned())
                        .unwrap_or_default(),
                ),
            };
            let _ = sender.send((outcome, started.elapsed()));
        })?;
    receiver.recv_timeout(TIME_LIMIT).map_err(|_| {
        format!(
            "an input ran over {} s; it is in target/fuzz/current.json",
            TIME_LIMIT.as_secs()
        )
        .into()
    })
}

/// What is wrong with generated files: Rust that does not parse, a manifest that does not parse
/// or holds what a spec must not control.
fn check_outputs(files: &apigen::Files) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, text) in files {
        if path.ends_with(".rs") {
            if let Err(error) = syn::parse_file(text) {
                problems.push(format!("{path} does not parse: {error}"));
            }
        }
    }
    match files
        .get("Cargo.toml")
        .map(|text| text.parse::<toml_edit::DocumentMut>())
    {
        None => problems.push("no Cargo.toml".to_owned()),
        Some(Err(error)) => problems.push(format!("Cargo.toml does not parse: {error}")),
        Some(Ok(manifest)) => problems.extend(manifest_problems(&manifest)),
    }
    problems
}

fn manifest_problems(manifest: &toml_edit::DocumentMut) -> Vec<String> {
    let mut problems = Vec::new();
    let tables: BTreeSet<&str> = manifest.iter().map(|(key, _)| key).collect();
    let allowed_tables = BTreeSet::from(["package", "lints", "features", "dependencies"]);
    for table in tables.difference(&allowed_tables) {
        problems.push(format!("Cargo.toml gained `[{table}]`"));
    }
    if let Some(package) = manifest.get("package").and_then(|item| item.as_table()) {
        let allowed = [
            "name",
            "version",
            "description",
            "edition",
            "rust-version",
            "publish",
        ];
        for (key, _) in package.iter() {
            if !allowed.contains(&key) {
                problems.push(format!("Cargo.toml's [package] gained `{key}`"));
            }
        }
    }
    if let Some(dependencies) = manifest
        .get("dependencies")
        .and_then(|item| item.as_table())
    {
        for (name, _) in dependencies.iter() {
            if !ALLOWED_DEPENDENCIES.contains(&name) {
                problems.push(format!("Cargo.toml gained the dependency `{name}`"));
            }
        }
    }
    // Group features come from tags: plain names, each enabling nothing but other features.
    if let Some(features) = manifest.get("features").and_then(|item| item.as_table()) {
        let names: BTreeSet<&str> = features.iter().map(|(name, _)| name).collect();
        for (name, value) in features.iter() {
            let plain = name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !plain {
                problems.push(format!("Cargo.toml has the feature `{name}`"));
            }
            let enables = value.as_array().into_iter().flatten();
            for enabled in enables.filter_map(|item| item.as_str()) {
                let known = match enabled.strip_prefix("dep:") {
                    Some(dependency) => ALLOWED_DEPENDENCIES.contains(&dependency),
                    None => names.contains(enabled),
                };
                if !known {
                    problems.push(format!("the feature `{name}` enables `{enabled}`"));
                }
            }
        }
    }
    problems
}

/// The documents mutations start from: the seed specs, the fixtures and the bad specs that are
/// at least valid YAML.
fn corpus(root: &Path) -> Result<Vec<(String, Value)>> {
    let mut corpus = Vec::new();
    for dir in ["spec", "tests/fixtures", "tests/bad", "tests/openapi31"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| {
                path.extension()
                    .is_some_and(|extension| extension == "yaml")
            })
            .collect();
        paths.sort();
        for path in paths {
            let name = format!(
                "{dir}/{}",
                path.file_name().unwrap_or_default().to_string_lossy()
            );
            let source = SpecSource {
                display_path: name.clone(),
                text: std::fs::read_to_string(&path)?,
            };
            if let Ok(value) = apigen::load::document_value(&source) {
                corpus.push((name, value));
            }
        }
    }
    if corpus.is_empty() {
        return Err("no specs to start from in spec/, tests/fixtures/ or tests/bad/".into());
    }
    Ok(corpus)
}

/// Text meant to escape wherever it lands, or to trip the naming rules.
const HOSTILE: [&str; 16] = [
    "",
    "\"",
    "a\nb",
    "*/ pub fn evil() {} /*",
    "\"\n[build-dependencies]\nevil = \"1\"\n",
    "#![allow(warnings)]",
    "\u{0}\t\r\u{7f}",
    "self",
    "type",
    "crate",
    "123",
    "-1",
    "__",
    "名前",
    "\u{202e}gnp.exe",
    "{id}",
];

/// One structural mutation somewhere in `document`.
fn mutate(document: &mut Value, random: &mut Random) {
    match random.below(9) {
        0 => delete_a_key(document, random),
        1 => replace_a_value(document, random),
        2 => point_a_ref(document, random),
        3 => refer_to_itself(document, random),
        4 => collide_operation_ids(document, random),
        5 => change_parameter_style(document, random),
        6 => nest_deeply(document, random),
        7 => hostile_text(document, random),
        _ => rename_a_key(document, random),
    }
}

/// Every place in `value` (as a path of keys and indexes), and whether it holds an object.
fn places(value: &Value) -> Vec<(Vec<Step>, bool)> {
    let mut found = Vec::new();
    let mut pending = vec![(Vec::new(), value)];
    while let Some((path, value)) = pending.pop() {
        match value {
            Value::Object(object) => {
                for (key, child) in object {
                    let mut child_path = path.clone();
                    child_path.push(Step::Key(key.clone()));
                    pending.push((child_path, child));
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    let mut child_path = path.clone();
                    child_path.push(Step::Index(index));
                    pending.push((child_path, child));
                }
            }
            _ => {}
        }
        found.push((path, value.is_object()));
    }
    found
}

#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn at<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |value, step| match step {
        Step::Key(key) => value.get_mut(key.as_str()),
        Step::Index(index) => value.get_mut(*index),
    })
}

fn pointer_of(path: &[Step]) -> String {
    let mut pointer = String::from("#");
    for step in path {
        pointer.push('/');
        match step {
            Step::Key(key) => pointer.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Step::Index(index) => pointer.push_str(&index.to_string()),
        }
    }
    pointer
}

fn random_place(document: &Value, random: &mut Random) -> Vec<Step> {
    let mut places = places(document);
    let index = random.below(places.len());
    places.swap_remove(index).0
}

/// An object somewhere in `document`, mutably.
fn random_object<'a>(
    document: &'a mut Value,
    random: &mut Random,
) -> Option<&'a mut Map<String, Value>> {
    let mut objects: Vec<Vec<Step>> = places(document)
        .into_iter()
        .filter_map(|(path, is_object)| is_object.then_some(path))
        .collect();
    if objects.is_empty() {
        return None;
    }
    let index = random.below(objects.len());
    let path = objects.swap_remove(index);
    at(document, &path)?.as_object_mut()
}

/// The key at a random position of `object`.
fn random_key(object: &Map<String, Value>, random: &mut Random) -> Option<String> {
    object.keys().nth(random.below(object.len())).cloned()
}

fn delete_a_key(document: &mut Value, random: &mut Random) {
    if let Some(object) = random_object(document, random) {
        if let Some(key) = random_key(object, random) {
            object.shift_remove(&key);
        }
    }
}

fn rename_a_key(document: &mut Value, random: &mut Random) {
    let name = HOSTILE[random.below(HOSTILE.len())].to_owned();
    if let Some(object) = random_object(document, random) {
        if let Some(key) = random_key(object, random) {
            if let Some(value) = object.shift_remove(&key) {
                object.insert(name, value);
            }
        }
    }
}

fn replace_a_value(document: &mut Value, random: &mut Random) {
    let path = random_place(document, random);
    let replacement = match random.below(9) {
        0 => Value::Null,
        1 => json!(0),
        2 => json!(-1),
        3 => json!(1e300),
        4 => json!(u64::MAX),
        5 => json!(HOSTILE[random.below(HOSTILE.len())]),
        6 => json!([]),
        7 => json!({}),
        _ => Value::Array(vec![Value::Null; 2_000]),
    };
    if let Some(value) = at(document, &path) {
        *value = replacement;
    }
}

fn point_a_ref(document: &mut Value, random: &mut Random) {
    let target = match random.below(4) {
        0 => pointer_of(&random_place(document, random)),
        1 => "#/components/schemas/Missing".to_owned(),
        2 => "other.yaml#/components/schemas/A".to_owned(),
        _ => "#/%%/~2".to_owned(),
    };
    let path = random_place(document, random);
    if let Some(value) = at(document, &path) {
        *value = json!({ "$ref": target });
    }
}

fn refer_to_itself(document: &mut Value, random: &mut Random) {
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    if schemas.is_empty() {
        return;
    }
    let Some(name) = random_key(schemas, random) else {
        return;
    };
    let Some(schema) = schemas.get_mut(&name) else {
        return;
    };
    let own = json!({ "$ref": format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1")) });
    let keyword = ["allOf", "oneOf", "anyOf"][random.below(3)];
    let composed = json!({ keyword: [own.clone(), schema.clone()] });
    if random.below(2) == 0 {
        *schema = composed;
    } else if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        properties.insert(
            "again".to_owned(),
            json!({ keyword: [own, {"type": "object"}] }),
        );
    }
}

fn operations(document: &mut Value) -> Vec<&mut Map<String, Value>> {
    let mut found = Vec::new();
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                for (method, operation) in item.iter_mut() {
                    if method != "parameters" {
                        if let Some(operation) = operation.as_object_mut() {
                            found.push(operation);
                        }
                    }
                }
            }
        }
    }
    found
}

fn collide_operation_ids(document: &mut Value, random: &mut Random) {
    let variant = random.below(3);
    for (index, operation) in operations(document).into_iter().enumerate() {
        let id = match (variant, index % 2) {
            (0, _) => "sameId".to_owned(),
            (1, 0) => "getItem".to_owned(),
            (1, _) => "get_item".to_owned(),
            _ => format!("op-{}", index / 2),
        };
        operation.insert("operationId".to_owned(), json!(id));
    }
}

fn change_parameter_style(document: &mut Value, random: &mut Random) {
    let choices = (random.below(8), random.below(9), random.below(4));
    for operation in operations(document) {
        let Some(parameters) = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for parameter in parameters.iter_mut().filter_map(Value::as_object_mut) {
            let locations = [
                json!("path"),
                json!("query"),
                json!("header"),
                json!("cookie"),
                json!("body"),
                json!(5),
                json!({}),
                Value::Null,
            ];
            let styles = [
                "form",
                "simple",
                "label",
                "matrix",
                "deepObject",
                "spaceDelimited",
                "pipeDelimited",
                "x",
                "",
            ];
            match choices.2 {
                0 => {
                    parameter.insert("in".to_owned(), locations[choices.0].clone());
                }
                1 => {
                    parameter.insert("style".to_owned(), json!(styles[choices.1]));
                }
                2 => {
                    parameter.insert("explode".to_owned(), json!(choices.0 % 2 == 0));
                }
                _ => {
                    parameter.insert("explode".to_owned(), json!("yes"));
                }
            }
        }
    }
}

fn nest_deeply(document: &mut Value, random: &mut Random) {
    let path = random_place(document, random);
    let wrapper = random.below(3);
    if let Some(value) = at(document, &path) {
        let mut nested = value.take();
        for _ in 0..200 {
            nested = match wrapper {
                0 => json!({"type": "object", "properties": {"p": nested}}),
                1 => json!({"type": "array", "items": nested}),
                _ => json!({"allOf": [nested]}),
            };
        }
        *value = nested;
    }
}

fn hostile_text(document: &mut Value, random: &mut Random) {
    let text = if random.below(8) == 0 {
        "x".repeat(10_000)
    } else {
        HOSTILE[random.below(HOSTILE.len())].to_owned()
    };
    let places = [
        "/info/title",
        "/info/version",
        "/info/description",
        "/servers/0/url",
    ];
    match random.below(3) {
        0 => {
            if let Some(value) = document.pointer_mut(places[random.below(places.len())]) {
                *value = json!(text);
            }
        }
        1 => {
            // A path, a schema name or a property name.
            if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
                let first = paths.keys().next().cloned();
                if let Some(item) = first.and_then(|first| paths.shift_remove(&first)) {
                    paths.insert(format!("/{text}"), item);
                }
            }
        }
        _ => {
            for operation in operations(document) {
                operation.insert("summary".to_owned(), json!(text));
                operation.insert("operationId".to_owned(), json!(text.clone() + "x"));
            }
        }
    }
}

/// A small deterministic generator (xorshift64*).
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Random {
        Random(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    fn below(&mut self, bound: usize) -> usize {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        let drawn = x.wrapping_mul(0x2545_f491_4f6c_dd1d);
        let bound = u64::try_from(bound.max(1)).unwrap_or(u64::MAX);
        usize::try_from(drawn % bound).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The short, fixed-seed pass the test suite runs; `cargo xtask fuzz` runs as many as asked.
    #[test]
    fn a_short_fuzz_pass_finds_nothing() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let args = Args {
            iterations: 3_000,
            seed: 1,
            slow: 5_000,
            in_place: true,
        };
        let dir = tempfile::tempdir().expect("temporary directory");
        let report = fuzz(&root, dir.path(), &args).expect("the fuzzer runs");
        assert_eq!(report.inputs, 3_000);
        assert!(report.generated > 100, "{report}");
        assert!(report.findings.is_empty(), "{report}");
    }

    #[test]
    fn manifests_that_gained_a_build_script_or_dependency_are_findings() {
        let manifest: toml_edit::DocumentMut =
            "[package]\nname = \"apis\"\nbuild = \"x.rs\"\n[dependencies]\nevil = \"1\"\n[build-dependencies]\n"
                .parse()
                .expect("parses");
        let problems = manifest_problems(&manifest);
        assert_eq!(
            problems,
            [
                "Cargo.toml gained `[build-dependencies]`",
                "Cargo.toml's [package] gained `build`",
                "Cargo.toml gained the dependency `evil`",
            ]
        );
    }
}
