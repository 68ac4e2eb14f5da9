//! Checks every schema of a document on the raw JSON value, before `openapiv3` reads it.
//!
//! `openapiv3` reads a `$ref`-or-schema twice when it fails (once to fail, once more for its
//! message), so a wrong value nested N schemas deep costs 2^N reads: 24 levels took minutes. This
//! walk is linear, names the exact place (`#/components/schemas/A/properties/p/type`) and finds
//! every such mistake at once. It checks what `openapiv3` would refuse inside a schema: the JSON
//! type of each keyword it reads. Once it passes, no schema fails to deserialize.

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Pointer};

/// The keywords `openapiv3` reads from a schema, and the JSON each must be.
const KEYWORDS: &[(&str, Expected)] = &[
    ("type", Expected::String),
    ("format", Expected::String),
    ("pattern", Expected::String),
    ("title", Expected::String),
    ("description", Expected::String),
    ("multipleOf", Expected::Number),
    ("minimum", Expected::Number),
    ("maximum", Expected::Number),
    ("exclusiveMinimum", Expected::Bool),
    ("exclusiveMaximum", Expected::Bool),
    ("uniqueItems", Expected::Bool),
    ("nullable", Expected::Bool),
    ("readOnly", Expected::Bool),
    ("writeOnly", Expected::Bool),
    ("deprecated", Expected::Bool),
    ("minLength", Expected::Count),
    ("maxLength", Expected::Count),
    ("minItems", Expected::Count),
    ("maxItems", Expected::Count),
    ("minProperties", Expected::Count),
    ("maxProperties", Expected::Count),
    ("required", Expected::Strings),
    ("enum", Expected::Array),
    ("properties", Expected::SchemaMap),
    ("items", Expected::Schema),
    ("not", Expected::Schema),
    ("additionalProperties", Expected::BoolOrSchema),
    ("allOf", Expected::Schemas),
    ("oneOf", Expected::Schemas),
    ("anyOf", Expected::Schemas),
    ("externalDocs", Expected::ExternalDocs),
    ("discriminator", Expected::Discriminator),
];

/// What a schema keyword takes, if `openapiv3` reads it.
fn expected_for(key: &str) -> Option<Expected> {
    KEYWORDS
        .iter()
        .find(|(keyword, _)| *keyword == key)
        .map(|(_, expected)| *expected)
}

#[derive(Clone, Copy)]
enum Expected {
    String,
    Number,
    Bool,
    /// A whole number, not negative.
    Count,
    Strings,
    Array,
    Schema,
    Schemas,
    SchemaMap,
    BoolOrSchema,
    ExternalDocs,
    Discriminator,
}

/// Checks every schema in `document`: components, parameters, request bodies, responses and
/// headers, wherever they are written.
pub fn check_document(file: &str, document: &Value, out: &mut Vec<Diagnostic>) {
    let mut walk = Walk {
        file,
        out,
        path: Vec::new(),
    };
    if let Some(paths) = document.get("paths").and_then(Value::as_object) {
        walk.path.push(Segment::Key("paths"));
        for (path, item) in paths {
            walk.path.push(Segment::Key(path));
            walk.parameters(item.get("parameters"));
            for method in super::METHODS {
                let Some(operation) = item.get(method) else {
                    continue;
                };
                walk.path.push(Segment::Key(method));
                walk.parameters(operation.get("parameters"));
                if let Some(body) = operation.get("requestBody") {
                    walk.path.push(Segment::Key("requestBody"));
                    walk.content(body);
                    walk.path.pop();
                }
                if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
                    walk.path.push(Segment::Key("responses"));
                    for (status, response) in responses {
                        walk.path.push(Segment::Key(status));
                        walk.response(response);
                        walk.path.pop();
                    }
                    walk.path.pop();
                }
                walk.path.pop();
            }
            walk.path.pop();
        }
        walk.path.pop();
    }
    let Some(components) = document.get("components") else {
        return;
    };
    walk.path.push(Segment::Key("components"));
    let sections = [
        "schemas",
        "parameters",
        "requestBodies",
        "responses",
        "headers",
    ];
    for section in sections {
        let Some(entries) = components.get(section).and_then(Value::as_object) else {
            continue;
        };
        walk.path.push(Segment::Key(section));
        for (name, entry) in entries {
            walk.path.push(Segment::Key(name));
            match section {
                "schemas" => walk.schema(entry),
                "requestBodies" => walk.content(entry),
                "responses" => walk.response(entry),
                _ => walk.parameter(entry),
            }
            walk.path.pop();
        }
        walk.path.pop();
    }
}

/// One step of the way from the document's root to a value.
#[derive(Clone, Copy)]
enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

/// The walk's place is kept as a stack of borrowed segments and turned into a `Pointer` only for
/// a diagnostic, so a valid document costs no allocation per keyword.
struct Walk<'v, 'o> {
    file: &'o str,
    out: &'o mut Vec<Diagnostic>,
    path: Vec<Segment<'v>>,
}

impl<'v> Walk<'v, '_> {
    fn parameters(&mut self, parameters: Option<&'v Value>) {
        let Some(parameters) = parameters.and_then(Value::as_array) else {
            return;
        };
        self.path.push(Segment::Key("parameters"));
        for (index, parameter) in parameters.iter().enumerate() {
            self.path.push(Segment::Index(index));
            self.parameter(parameter);
            self.path.pop();
        }
        self.path.pop();
    }

    /// A parameter or header: its `schema`, or the schemas of its `content`.
    fn parameter(&mut self, parameter: &'v Value) {
        if let Some(schema) = parameter.get("schema") {
            self.path.push(Segment::Key("schema"));
            self.schema(schema);
            self.path.pop();
        }
        self.content(parameter);
    }

    fn response(&mut self, response: &'v Value) {
        self.content(response);
        if let Some(headers) = response.get("headers").and_then(Value::as_object) {
            self.path.push(Segment::Key("headers"));
            for (name, header) in headers {
                self.path.push(Segment::Key(name));
                self.parameter(header);
                self.path.pop();
            }
            self.path.pop();
        }
    }

    /// The schema of each media type in `holder.content`.
    fn content(&mut self, holder: &'v Value) {
        let Some(content) = holder.get("content").and_then(Value::as_object) else {
            return;
        };
        self.path.push(Segment::Key("content"));
        for (media_type, media) in content {
            if let Some(schema) = media.get("schema") {
                self.path.push(Segment::Key(media_type));
                self.path.push(Segment::Key("schema"));
                self.schema(schema);
                self.path.pop();
                self.path.pop();
            }
        }
        self.path.pop();
    }

    fn schema(&mut self, schema: &'v Value) {
        let Some(object) = schema.as_object() else {
            self.wrong(None, "a schema (an object) or a `$ref`", schema);
            return;
        };
        if let Some(reference) = object.get("$ref") {
            if !reference.is_string() {
                self.wrong(Some(Segment::Key("$ref")), "a string", reference);
            }
            return;
        }
        // The schema's own entries, looked up in the table: a schema has a few, the table many.
        for (key, value) in object {
            if let Some(expected) = expected_for(key) {
                self.path.push(Segment::Key(key));
                self.keyword(value, expected);
                self.path.pop();
            }
        }
    }

    /// Checks the keyword value at the walk's place.
    fn keyword(&mut self, value: &'v Value, expected: Expected) {
        match expected {
            Expected::String if !value.is_string() => self.wrong(None, "a string", value),
            Expected::Number if !value.is_number() => self.wrong(None, "a number", value),
            Expected::Bool if !value.is_boolean() => self.wrong(None, "`true` or `false`", value),
            Expected::Count if value.as_u64().is_none() => {
                self.wrong(None, "a whole number, 0 or more", value);
            }
            Expected::Strings => match value.as_array() {
                Some(items) => {
                    for (index, item) in items.iter().enumerate() {
                        if !item.is_string() {
                            self.wrong(Some(Segment::Index(index)), "a string", item);
                        }
                    }
                }
                None => self.wrong(None, "a list of strings", value),
            },
            Expected::Array if !value.is_array() => self.wrong(None, "a list", value),
            Expected::Schema => self.schema(value),
            Expected::Schemas => match value.as_array() {
                Some(items) => {
                    for (index, item) in items.iter().enumerate() {
                        self.path.push(Segment::Index(index));
                        self.schema(item);
                        self.path.pop();
                    }
                }
                None => self.wrong(None, "a list of schemas", value),
            },
            Expected::SchemaMap => match value.as_object() {
                Some(entries) => {
                    for (name, item) in entries {
                        self.path.push(Segment::Key(name));
                        self.schema(item);
                        self.path.pop();
                    }
                }
                None => self.wrong(None, "an object of schemas, one per property", value),
            },
            Expected::BoolOrSchema if !value.is_boolean() => self.schema(value),
            Expected::ExternalDocs => match value.get("url") {
                Some(url) if url.is_string() => {}
                Some(url) => self.wrong(Some(Segment::Key("url")), "a string", url),
                None => self.wrong(None, "an object with a `url`", value),
            },
            Expected::Discriminator => {
                match value.get("propertyName") {
                    Some(name) if name.is_string() => {}
                    Some(name) => self.wrong(Some(Segment::Key("propertyName")), "a string", name),
                    None => self.wrong(None, "an object with a `propertyName`", value),
                }
                match value.get("mapping") {
                    None => {}
                    Some(Value::Object(entries)) => {
                        self.path.push(Segment::Key("mapping"));
                        for (key, target) in entries {
                            if !target.is_string() {
                                self.wrong(Some(Segment::Key(key)), "a string", target);
                            }
                        }
                        self.path.pop();
                    }
                    Some(other) => {
                        let at = Some(Segment::Key("mapping"));
                        self.wrong(at, "an object of strings", other);
                    }
                }
            }
            _ => {}
        }
    }

    /// Reports `found` at the walk's place (and one more `segment`, if given).
    fn wrong(&mut self, segment: Option<Segment<'_>>, expected: &str, found: &Value) {
        let mut pointer = Pointer::root();
        for step in self.path.iter().copied().chain(segment) {
            pointer = match step {
                Segment::Key(key) => pointer.join(key),
                Segment::Index(index) => pointer.join(index),
            };
        }
        self.out.push(
            Diagnostic::at(
                self.file,
                &pointer,
                format!("expected {expected}, found {}", describe(found)),
            )
            .help("see the OpenAPI 3.0 Schema Object for what this keyword takes"),
        );
    }
}

/// A short description of a JSON value for a message: its kind, and the value itself when short
/// (a huge value is never echoed whole).
pub(super) fn describe(value: &Value) -> String {
    const SHOWN: usize = 40;
    let kind = match value {
        Value::Null => return "null".to_owned(),
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => return "a list".to_owned(),
        Value::Object(_) => return "an object".to_owned(),
    };
    let text = value.to_string();
    if text.chars().count() <= SHOWN {
        format!("{kind} `{text}`")
    } else {
        let cut: String = text.chars().take(SHOWN).collect();
        format!("{kind} `{cut}…`")
    }
}
