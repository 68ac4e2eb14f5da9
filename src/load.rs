//! Reads a spec's text into an `openapiv3::OpenAPI`, with errors that name their place.
//!
//! Parsing goes YAML → JSON value → `openapiv3`. The JSON value is kept beside the typed document so
//! a failed deserialization can be located: serde's own error paths stop inside `openapiv3`'s
//! untagged enums, so instead the failing document is re-tried piece by piece (each path item, each
//! operation, each parameter, each component) and the smallest piece that fails is reported.

use openapiv3::OpenAPI;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Location, Pointer, Severity};

mod deep_refs;
mod lenient;
mod openapi31;
mod schemas;

/// One spec file's text, as read by the caller.
#[derive(Debug, Clone)]
pub struct SpecSource {
    /// How to name the file in messages and headers, e.g. `spec/waldur.yaml`.
    pub display_path: String,
    /// The whole file.
    pub text: String,
}

/// A parsed spec.
#[derive(Debug)]
pub struct LoadedSpec {
    /// The file, for diagnostics.
    pub display_path: String,
    /// The typed document.
    pub document: OpenAPI,
    /// What was read leniently (an empty `required`, a `default` of the wrong type, …), each a
    /// located warning.
    pub warnings: Vec<Diagnostic>,
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Parses one spec, returning every problem found if it cannot be used.
pub fn load(source: &SpecSource) -> Result<LoadedSpec, Vec<Diagnostic>> {
    let file = source.display_path.as_str();
    let mut json = document_value(source)?;
    if openapi31::is_31(&json) {
        openapi31::convert(file, &mut json)?;
    }
    deep_refs::inline(file, &mut json)?;

    let mut warnings = Vec::new();
    let mut diagnostics = precheck(file, &mut json, &mut warnings);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    match OpenAPI::deserialize(&json) {
        Ok(document) => Ok(LoadedSpec {
            display_path: file.to_owned(),
            document,
            warnings,
        }),
        Err(error) => {
            locate_failure(file, &json, &mut diagnostics);
            if diagnostics.is_empty() {
                diagnostics.push(Diagnostic::at(
                    file,
                    &Pointer::root(),
                    format!(
                        "not a valid OpenAPI 3.0 document: {}",
                        shortened(&error.to_string())
                    ),
                ));
            }
            Err(diagnostics)
        }
    }
}

/// The document as a JSON value (YAML read as JSON: merge keys applied, keys as text), before
/// any OpenAPI check: what `load` checks and `cargo xtask fuzz` mutates.
pub fn document_value(source: &SpecSource) -> Result<Value, Vec<Diagnostic>> {
    let file = source.display_path.as_str();
    if is_json(file) {
        parse_json(file, &source.text)
    } else {
        parse_yaml(file, &source.text)
    }
}

/// The document read straight into `openapiv3` types and nothing more: no prechecks, no error
/// locating. The floor `cargo xtask bench` compares full generation with.
pub fn bare_parse(source: &SpecSource) -> Result<OpenAPI, String> {
    if is_json(&source.display_path) {
        serde_json::from_str(&source.text).map_err(|error| error.to_string())
    } else {
        serde_yaml::from_str(&source.text).map_err(|error| error.to_string())
    }
}

/// Whether the spec is written in JSON, by its extension. JSON is also valid YAML, but
/// `serde_json` reads it several times faster than the YAML parser.
fn is_json(file: &str) -> bool {
    file.rsplit_once('.')
        .is_some_and(|(_, extension)| extension.eq_ignore_ascii_case("json"))
}

/// Parses a JSON document; a syntax error names its line and column.
fn parse_json(file: &str, text: &str) -> Result<Value, Vec<Diagnostic>> {
    serde_json::from_str(text).map_err(|error| {
        vec![Diagnostic {
            file: file.to_owned(),
            location: Location::LineColumn(error.line().max(1), error.column().max(1)),
            message: format!(
                "invalid JSON: {}",
                strip_location(&error.to_string(), error.line(), error.column())
            ),
            help: None,
            severity: Severity::Error,
        }]
    })
}

/// Parses a YAML document (merge keys applied) into JSON values; a syntax error names its line
/// and column. The events go straight into JSON values ([`YamlAsJson`]), without first building
/// serde_yaml's own tree.
fn parse_yaml(file: &str, text: &str) -> Result<Value, Vec<Diagnostic>> {
    match serde_yaml::from_str::<YamlAsJson>(text) {
        Ok(YamlAsJson(json)) => Ok(json),
        // serde_yaml places this one at 1:1; the character has a place of its own.
        Err(error)
            if error
                .to_string()
                .contains("control characters are not allowed") =>
        {
            let (line, column, character) = first_control_character(text).unwrap_or((1, 1, '\0'));
            Err(vec![Diagnostic {
                file: file.to_owned(),
                location: Location::LineColumn(line, column),
                message: format!(
                    "invalid YAML: control character U+{:04X} is not allowed",
                    u32::from(character)
                ),
                help: Some(format!(
                    "remove it, or write it escaped in a double-quoted string (\"\\u{:04X}\")",
                    u32::from(character)
                )),
                severity: Severity::Error,
            }])
        }
        Err(error) => match error.location() {
            Some(location) => {
                let (line, column) = (location.line(), location.column());
                Err(vec![Diagnostic {
                    file: file.to_owned(),
                    location: Location::LineColumn(line, column),
                    message: format!(
                        "invalid YAML: {}",
                        strip_location(&error.to_string(), line, column)
                    ),
                    help: None,
                    severity: Severity::Error,
                }])
            }
            // Only a bad merge key fails without a place in the text.
            None => Err(vec![Diagnostic::at(
                file,
                &Pointer::root(),
                format!("invalid YAML: {error}"),
            )]),
        },
    }
}

/// A YAML value read as JSON: keys that are not strings (`200:`) become their text, tags are
/// dropped, non-finite floats become `null`, and merge keys (`<<: *base`) are applied, with keys
/// written in the mapping winning over merged ones and earlier merged mappings over later ones.
struct YamlAsJson(Value);

impl<'de> serde::Deserialize<'de> for YamlAsJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(YamlAsJsonVisitor)
            .map(YamlAsJson)
    }
}

struct YamlAsJsonVisitor;

impl<'de> serde::de::Visitor<'de> for YamlAsJsonVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("a YAML value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    // An integer beyond 64 bits becomes the nearest double, as `serde_json` reads one in JSON.
    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(i64::try_from(value).map_or_else(|_| Value::from(value as f64), Value::from))
    }

    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(u64::try_from(value).map_or_else(|_| Value::from(value as f64), Value::from))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(YamlAsJson(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        let mut merged = Vec::new();
        while let Some(YamlAsJson(key)) = map.next_key()? {
            let YamlAsJson(value) = map.next_value()?;
            match key {
                Value::String(key) if key == "<<" => merged.push(value),
                key => {
                    let key = json_key(key);
                    if object.contains_key(&key) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate entry with key {key:?}"
                        )));
                    }
                    object.insert(key, value);
                }
            }
        }
        for value in merged {
            let sources = match value {
                Value::Array(sources) => sources,
                single => vec![single],
            };
            for source in sources {
                let Value::Object(source) = source else {
                    return Err(serde::de::Error::custom(
                        "a merge key (`<<`) must name a mapping or a list of mappings",
                    ));
                };
                for (key, value) in source {
                    object.entry(key).or_insert(value);
                }
            }
        }
        Ok(Value::Object(object))
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged value (`!tag value`): the tag is dropped, the value kept.
        use serde::de::VariantAccess;
        let (_tag, variant): (serde::de::IgnoredAny, _) = data.variant()?;
        variant
            .newtype_variant::<YamlAsJson>()
            .map(|YamlAsJson(value)| value)
    }
}

/// A mapping key as JSON wants it: a string, or the text of a number, boolean or null.
fn json_key(key: Value) -> String {
    match key {
        Value::String(key) => key,
        Value::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

/// The line and column (1-based) of the first character YAML does not allow in a document:
/// C0 controls other than tab, line feed and carriage return, DEL, and C1 controls but NEL.
fn first_control_character(text: &str) -> Option<(usize, usize, char)> {
    for (index, line) in text.split('\n').enumerate() {
        for (column, c) in line.chars().enumerate() {
            let allowed = matches!(c, '\t' | '\r' | '\u{85}');
            if c.is_control() && !allowed {
                return Some((index + 1, column + 1, c));
            }
        }
    }
    None
}

/// serde_yaml puts " at line X column Y" in its messages; that location is reported separately,
/// but any other location in the message (", while parsing a flow sequence at line 8 column 13")
/// points at the cause and stays.
fn strip_location(message: &str, line: usize, column: usize) -> String {
    message.replacen(&format!(" at line {line} column {column}"), "", 1)
}

/// Checks the few things whose serde errors would be unreadable, with precise messages, and
/// rewrites the invalid-but-common constructs whose intent is clear (see `schemas`), pushing a
/// warning for each to `warnings`.
fn precheck(file: &str, json: &mut Value, warnings: &mut Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let root = Pointer::root();
    match json.get("openapi").and_then(Value::as_str) {
        Some(version) if version.starts_with("3.0") => {}
        Some(version) => diagnostics.push(
            Diagnostic::at(
                file,
                &root.join("openapi"),
                format!("unsupported OpenAPI version `{version}`"),
            )
            .help("this generator reads OpenAPI 3.0.x documents"),
        ),
        None if json.is_null() || json.as_object().is_some_and(serde_json::Map::is_empty) => {
            diagnostics.push(Diagnostic {
                file: file.to_owned(),
                location: Location::LineColumn(1, 1),
                message: "the document is empty".to_owned(),
                help: Some(
                    "an OpenAPI document starts with `openapi: 3.0.3`, `info` and `paths`"
                        .to_owned(),
                ),
                severity: Severity::Error,
            });
            return diagnostics;
        }
        None if json.get("swagger").is_some() => {
            diagnostics.push(
                Diagnostic::at(
                    file,
                    &root.join("swagger"),
                    "this is a Swagger 2.0 document, and only OpenAPI 3.0 is read",
                )
                .help(
                    "convert it to OpenAPI 3.0 first, for example with the swagger2openapi \
                     package from npm (`npx swagger2openapi in.yaml -o out.yaml`)",
                ),
            );
            return diagnostics;
        }
        None if !json.is_object() => {
            diagnostics.push(
                Diagnostic::at(
                    file,
                    &root,
                    "the document is not a mapping of OpenAPI fields",
                )
                .help("an OpenAPI document starts with `openapi: 3.0.3`, `info` and `paths`"),
            );
            return diagnostics;
        }
        None => diagnostics.push(
            Diagnostic::at(file, &root, "missing `openapi` version field")
                .help("add `openapi: 3.0.3`"),
        ),
    }
    // Before `openapiv3` reads them: it takes time exponential in the depth of a wrong value.
    schemas::check_document(file, json, &mut diagnostics, warnings);
    let json = &*json;
    let shared = json
        .pointer("/components/parameters")
        .and_then(Value::as_object);
    for (name, parameter) in shared.into_iter().flatten() {
        let pointer = root.join("components").join("parameters").join(name);
        check_parameter(file, parameter, &pointer, &mut diagnostics);
    }
    let components = |section: &str| {
        json.get("components")
            .and_then(|components| components.get(section))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
    };
    for (name, header) in components("headers") {
        let pointer = root.join("components").join("headers").join(name);
        check_header(file, header, &pointer, &mut diagnostics);
    }
    for (name, response) in components("responses") {
        let pointer = root.join("components").join("responses").join(name);
        check_response_headers(file, response, &pointer, &mut diagnostics);
    }
    let Some(paths) = json.get("paths").and_then(Value::as_object) else {
        return diagnostics;
    };
    for (path, item) in paths {
        let item_pointer = root.join("paths").join(path);
        check_parameters(
            file,
            item.get("parameters"),
            &item_pointer.join("parameters"),
            &mut diagnostics,
        );
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let pointer = item_pointer.join(method);
            if operation.get("responses").is_none() {
                diagnostics.push(
                    Diagnostic::at(file, &pointer, "operation has no `responses`")
                        .help("every operation must document at least one response"),
                );
            }
            check_parameters(
                file,
                operation.get("parameters"),
                &pointer.join("parameters"),
                &mut diagnostics,
            );
            let responses = operation.get("responses").and_then(Value::as_object);
            for (status, response) in responses.into_iter().flatten() {
                let pointer = pointer.join("responses").join(status);
                check_response_headers(file, response, &pointer, &mut diagnostics);
            }
        }
    }
    diagnostics
}

fn check_response_headers(
    file: &str,
    response: &Value,
    pointer: &Pointer,
    out: &mut Vec<Diagnostic>,
) {
    let headers = response.get("headers").and_then(Value::as_object);
    for (name, header) in headers.into_iter().flatten() {
        check_header(file, header, &pointer.join("headers").join(name), out);
    }
}

/// A response header: an object (or `$ref`) with a `schema` or a `content`.
fn check_header(file: &str, header: &Value, pointer: &Pointer, out: &mut Vec<Diagnostic>) {
    if header.get("$ref").is_some() {
        return;
    }
    if !header.is_object() {
        out.push(
            Diagnostic::at(file, pointer, "a header must be an object or a `$ref`")
                .help("write `{schema: {type: string}}`"),
        );
    } else if header.get("schema").is_none() && header.get("content").is_none() {
        out.push(
            Diagnostic::at(file, pointer, "header has neither `schema` nor `content`")
                .help("add the type of its value, for example `schema: {type: string}`"),
        );
    }
}

fn check_parameters(
    file: &str,
    parameters: Option<&Value>,
    pointer: &Pointer,
    out: &mut Vec<Diagnostic>,
) {
    let Some(parameters) = parameters.and_then(Value::as_array) else {
        return;
    };
    for (index, parameter) in parameters.iter().enumerate() {
        check_parameter(file, parameter, &pointer.join(index), out);
    }
}

/// What `openapiv3` would refuse in one parameter with a message about its own enums
/// (`expected internally tagged enum Parameter`, `no variant of enum ParameterSchemaOrContent`),
/// said in the spec's terms at the parameter's own place.
fn check_parameter(file: &str, parameter: &Value, pointer: &Pointer, out: &mut Vec<Diagnostic>) {
    if parameter.get("$ref").is_some() {
        return;
    }
    if !parameter.is_object() {
        out.push(
            Diagnostic::at(file, pointer, "a parameter must be an object or a `$ref`")
                .help("write `{name: ..., in: query, schema: {type: string}}`"),
        );
        return;
    }
    match parameter.get("name") {
        Some(Value::String(_)) => {}
        Some(_) => out.push(
            Diagnostic::at(
                file,
                &pointer.join("name"),
                "a parameter's `name` must be text",
            )
            .help("write the name as it is sent, for example `name: page`"),
        ),
        None => out.push(
            Diagnostic::at(file, pointer, "parameter has no `name`")
                .help("add the name as it is sent, for example `name: page`"),
        ),
    }
    if parameter.get("schema").is_none() && parameter.get("content").is_none() {
        out.push(
            Diagnostic::at(
                file,
                pointer,
                "parameter has neither `schema` nor `content`",
            )
            .help("add the type of its value, for example `schema: {type: string}`"),
        );
    }
    let location = parameter.get("in");
    let location_text = location.and_then(Value::as_str);
    if !matches!(location_text, Some("path" | "query" | "header" | "cookie")) {
        let shown = match location {
            None => "(missing)".to_owned(),
            Some(Value::String(text)) => format!("`{text}`"),
            Some(other) => format!("(not text: {})", schemas::describe(other)),
        };
        let pointer = if location.is_some() {
            pointer.join("in")
        } else {
            pointer.clone()
        };
        out.push(
            Diagnostic::at(
                file,
                &pointer,
                format!("unknown parameter location {shown}"),
            )
            .help("`in` must be one of path, query, header, cookie"),
        );
    }
}

/// Re-deserializes the pieces of a document that failed as a whole and reports the smallest
/// failing pieces.
fn locate_failure(file: &str, json: &Value, out: &mut Vec<Diagnostic>) {
    let root = Pointer::root();
    if let Some(paths) = json.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let pointer = root.join("paths").join(path);
            if try_as::<openapiv3::PathItem>(item).is_ok() {
                continue;
            }
            let before = out.len();
            locate_in_path_item(file, item, &pointer, out);
            if out.len() == before {
                report::<openapiv3::PathItem>(file, item, &pointer, out);
            }
        }
    }
    if let Some(components) = json.get("components").and_then(Value::as_object) {
        let pointer = root.join("components");
        let before = out.len();
        for (section, entries) in components {
            let Some(entries) = entries.as_object() else {
                continue;
            };
            for (name, entry) in entries {
                let entry_pointer = pointer.join(section).join(name);
                match section.as_str() {
                    "schemas" => report::<openapiv3::ReferenceOr<openapiv3::Schema>>(
                        file,
                        entry,
                        &entry_pointer,
                        out,
                    ),
                    "parameters" => report::<openapiv3::ReferenceOr<openapiv3::Parameter>>(
                        file,
                        entry,
                        &entry_pointer,
                        out,
                    ),
                    "responses" => report::<openapiv3::ReferenceOr<openapiv3::Response>>(
                        file,
                        entry,
                        &entry_pointer,
                        out,
                    ),
                    "requestBodies" => report::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(
                        file,
                        entry,
                        &entry_pointer,
                        out,
                    ),
                    "headers" => report::<openapiv3::ReferenceOr<openapiv3::Header>>(
                        file,
                        entry,
                        &entry_pointer,
                        out,
                    ),
                    "securitySchemes" => {
                        report::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>(
                            file,
                            entry,
                            &entry_pointer,
                            out,
                        )
                    }
                    _ => {}
                }
            }
        }
        if out.len() == before {
            if let Some(value) = json.get("components") {
                report::<openapiv3::Components>(file, value, &pointer, out);
            }
        }
    }
    for (key, check) in [
        (
            "info",
            try_as::<openapiv3::Info> as fn(&Value) -> Result<(), String>,
        ),
        ("servers", try_as::<Vec<openapiv3::Server>>),
        ("security", try_as::<Vec<openapiv3::SecurityRequirement>>),
        ("tags", try_as::<Vec<openapiv3::Tag>>),
    ] {
        match json.get(key) {
            Some(value) => {
                if let Err(message) = check(value) {
                    out.push(Diagnostic::at(file, &root.join(key), message));
                }
            }
            None if key == "info" => out.push(
                Diagnostic::at(file, &root, "missing `info`")
                    .help("add `info: {title: ..., version: ...}`"),
            ),
            None => {}
        }
    }
}

fn locate_in_path_item(file: &str, item: &Value, pointer: &Pointer, out: &mut Vec<Diagnostic>) {
    if let Some(parameters) = item.get("parameters").and_then(Value::as_array) {
        for (index, parameter) in parameters.iter().enumerate() {
            report::<openapiv3::ReferenceOr<openapiv3::Parameter>>(
                file,
                parameter,
                &pointer.join("parameters").join(index),
                out,
            );
        }
    }
    for method in METHODS {
        let Some(operation) = item.get(method) else {
            continue;
        };
        let operation_pointer = pointer.join(method);
        if try_as::<openapiv3::Operation>(operation).is_ok() {
            continue;
        }
        let before = out.len();
        if let Some(parameters) = operation.get("parameters").and_then(Value::as_array) {
            for (index, parameter) in parameters.iter().enumerate() {
                let parameter_pointer = operation_pointer.join("parameters").join(index);
                report::<openapiv3::ReferenceOr<openapiv3::Parameter>>(
                    file,
                    parameter,
                    &parameter_pointer,
                    out,
                );
            }
        }
        if let Some(body) = operation.get("requestBody") {
            report::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(
                file,
                body,
                &operation_pointer.join("requestBody"),
                out,
            );
        }
        if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
            for (status, response) in responses {
                if status.starts_with("x-") {
                    continue;
                }
                let response_pointer = operation_pointer.join("responses").join(status);
                report::<openapiv3::ReferenceOr<openapiv3::Response>>(
                    file,
                    response,
                    &response_pointer,
                    out,
                );
            }
        }
        if out.len() == before {
            report::<openapiv3::Operation>(file, operation, &operation_pointer, out);
        }
    }
}

fn try_as<T: DeserializeOwned>(value: &Value) -> Result<(), String> {
    T::deserialize(value)
        .map(drop)
        .map_err(|error| error.to_string())
}

fn report<T: DeserializeOwned>(
    file: &str,
    value: &Value,
    pointer: &Pointer,
    out: &mut Vec<Diagnostic>,
) {
    if let Err(message) = try_as::<T>(value) {
        out.push(Diagnostic::at(file, pointer, readable(&message)));
    }
}

/// serde's messages for untagged enums ("data did not match any variant of untagged enum
/// ReferenceOr") say nothing to a spec author; say what the piece should be instead.
fn readable(message: &str) -> String {
    if message.contains("did not match any variant") {
        "not a valid object here: expected a `$ref` or an object of the right kind".to_owned()
    } else {
        shortened(message)
    }
}

/// serde quotes the value it could not read; a value of 200 KB must not become the message.
fn shortened(message: &str) -> String {
    const LONGEST: usize = 300;
    if message.chars().count() <= LONGEST {
        return message.to_owned();
    }
    let cut: String = message.chars().take(LONGEST).collect();
    format!("{cut}… (cut short)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SpecSource {
        SpecSource {
            display_path: "spec/t.yaml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn yaml_syntax_error_has_line_and_column() {
        let errors = load(&source("openapi: 3.0.3\ninfo: [unclosed\n"))
            .err()
            .unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert!(
            matches!(errors[0].location, Location::LineColumn(3, _)),
            "{errors:?}"
        );
    }

    #[test]
    fn json_is_read_as_json_and_its_syntax_errors_have_line_and_column() {
        let json = |text: &str| SpecSource {
            display_path: "spec/t.json".into(),
            text: text.into(),
        };
        let text = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}"#;
        let spec = load(&json(text));
        assert!(spec.is_ok(), "{spec:?}");
        let errors = load(&json("{\n  \"openapi\": \"3.0.3\",\n  \"info\": [\n}"))
            .err()
            .unwrap_or_default();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            matches!(errors[0].location, Location::LineColumn(4, 1)),
            "{errors:?}"
        );
        assert!(
            errors[0].message.starts_with("invalid JSON: "),
            "{errors:?}"
        );
    }

    #[test]
    fn yaml_reads_as_json_with_merge_keys_tags_and_non_string_keys() {
        let yaml = "base: &base {a: 1, b: 2}\nother: &other {b: 3, c: 4}\n\
                    merged:\n  <<: [*base, *other]\n  a: 0\n\
                    200: ok\ntrue: yes\n~: nothing\ntagged: !custom 5\nfloat: .nan\n";
        let json = parse_yaml("spec/t.yaml", yaml).expect("parses");
        assert_eq!(
            json,
            serde_json::json!({
                "base": {"a": 1, "b": 2},
                "other": {"b": 3, "c": 4},
                "merged": {"a": 0, "b": 2, "c": 4},
                "200": "ok",
                "true": "yes",
                "null": "nothing",
                "tagged": 5,
                "float": null,
            })
        );
        let keys: Vec<&String> = json["merged"].as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            ["a", "b", "c"],
            "written keys first, then merged ones in order"
        );
    }

    #[test]
    fn yaml_duplicate_keys_and_bad_merges_are_errors() {
        let errors = parse_yaml("spec/t.yaml", "a: 1\nb: 2\na: 3\n").expect_err("duplicate");
        assert!(
            errors[0].message.contains("duplicate entry with key \"a\""),
            "{errors:?}"
        );
        let errors = parse_yaml("spec/t.yaml", "a:\n  <<: 5\n").expect_err("bad merge");
        assert!(errors[0].message.contains("merge key"), "{errors:?}");
    }

    #[test]
    fn a_wrong_value_deep_in_a_schema_is_found_at_once_with_its_place() {
        // openapiv3 alone takes time doubling with each level (2^40 here).
        let mut schema = serde_json::json!({"type": 5});
        for _ in 0..40 {
            schema = serde_json::json!({"type": "object", "properties": {"p": schema}});
        }
        let document = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": {"A": schema, "B": {"minLength": -1, "required": "x"}}},
        });
        let errors = load(&SpecSource {
            display_path: "spec/t.json".into(),
            text: document.to_string(),
        })
        .err()
        .unwrap_or_default();
        let places: Vec<String> = errors
            .iter()
            .map(|error| match &error.location {
                Location::Pointer(pointer) => format!("{pointer}: {}", error.message),
                Location::LineColumn(line, column) => format!("{line}:{column}: {}", error.message),
            })
            .collect();
        let deep = format!("#/components/schemas/A{}/type", "/properties/p".repeat(40));
        assert_eq!(
            places,
            [
                format!("{deep}: expected a string, found a number `5`"),
                "#/components/schemas/B/minLength: expected a whole number, 0 or more, found a number `-1`".to_owned(),
                "#/components/schemas/B/required: expected a list of strings, found a string `\"x\"`".to_owned(),
            ]
        );
    }

    #[test]
    fn a_huge_value_is_not_echoed_whole() {
        let huge = "x".repeat(200_000);
        let document = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"deprecated": huge, "responses": {"200": {"description": "ok"}}}}},
        });
        let errors = load(&SpecSource {
            display_path: "spec/t.json".into(),
            text: document.to_string(),
        })
        .err()
        .unwrap_or_default();
        assert!(!errors.is_empty());
        for error in &errors {
            assert!(error.message.len() < 1_000, "{} bytes", error.message.len());
        }
    }

    #[test]
    fn a_control_character_is_reported_at_its_own_line() {
        let text = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a: x\u{1}\n";
        let errors = load(&source(text)).err().unwrap_or_default();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            matches!(errors[0].location, Location::LineColumn(6, 8)),
            "{errors:?}"
        );
        assert!(errors[0].message.contains("U+0001"), "{errors:?}");
    }

    #[test]
    fn integer_status_keys_load() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n";
        let spec = load(&source(text));
        assert!(spec.is_ok(), "{spec:?}");
    }
}
