//! Checks every schema of a document on the raw JSON value, before `openapiv3` reads it.
//!
//! `openapiv3` reads a `$ref`-or-schema twice when it fails (once to fail, once more for its
//! message), so a wrong value nested N schemas deep costs 2^N reads: 24 levels took minutes. This
//! walk is linear, names the exact place (`#/components/schemas/A/properties/p/type`) and finds
//! every such mistake at once. It checks what `openapiv3` would refuse inside a schema: the JSON
//! type of each keyword it reads. Once it passes, no schema fails to deserialize. On the way it
//! rewrites, with a warning each, what real specs get wrong but clearly mean (`lenient`), and
//! reads `schema: null` on a parameter, header or media type as `schema: {}`.

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
/// headers, wherever they are written. What is wrong is pushed to `errors`; what is invalid but
/// whose intent is clear is rewritten in place (see [`Walk::lenient`]) and pushed to `warnings`.
pub fn check_document(
    file: &str,
    document: &mut Value,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    let mut walk = Walk {
        file,
        errors,
        warnings,
        path: Vec::new(),
    };
    let Some(root) = document.as_object_mut() else {
        return;
    };
    // The root's entries are visited in one pass so that each is borrowed on its own.
    for (key, value) in root.iter_mut() {
        match key.as_str() {
            "paths" => walk.paths(value),
            "components" => walk.components(value),
            _ => {}
        }
    }
}

/// One step of the way from the document's root to a value.
#[derive(Clone, Copy)]
pub(super) enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

/// The walk's place is kept as a stack of borrowed segments and turned into a `Pointer` only for
/// a diagnostic, so a valid document costs no allocation per keyword. Objects are walked by
/// iterating their entries (not by `get_mut` per key), so the keys can be borrowed for the whole
/// walk while the values are rewritten.
struct Walk<'v, 'o> {
    file: &'o str,
    errors: &'o mut Vec<Diagnostic>,
    warnings: &'o mut Vec<Diagnostic>,
    path: Vec<Segment<'v>>,
}

impl<'v> Walk<'v, '_> {
    fn paths(&mut self, paths: &'v mut Value) {
        let Some(paths) = paths.as_object_mut() else {
            return;
        };
        self.path.push(Segment::Key("paths"));
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            self.path.push(Segment::Key(path));
            for (key, value) in item.iter_mut() {
                if key == "parameters" {
                    self.parameters(value);
                } else if super::METHODS.contains(&key.as_str()) {
                    self.path.push(Segment::Key(key));
                    self.operation(value);
                    self.path.pop();
                }
            }
            self.path.pop();
        }
        self.path.pop();
    }

    fn operation(&mut self, operation: &'v mut Value) {
        let Some(operation) = operation.as_object_mut() else {
            return;
        };
        for (key, value) in operation.iter_mut() {
            match key.as_str() {
                "parameters" => self.parameters(value),
                "requestBody" => {
                    self.path.push(Segment::Key("requestBody"));
                    self.content(value);
                    self.path.pop();
                }
                "responses" => {
                    let Some(responses) = value.as_object_mut() else {
                        continue;
                    };
                    self.path.push(Segment::Key("responses"));
                    for (status, response) in responses.iter_mut() {
                        self.path.push(Segment::Key(status));
                        self.response(response);
                        self.path.pop();
                    }
                    self.path.pop();
                }
                _ => {}
            }
        }
    }

    fn components(&mut self, components: &'v mut Value) {
        let Some(components) = components.as_object_mut() else {
            return;
        };
        self.path.push(Segment::Key("components"));
        for (section, entries) in components.iter_mut() {
            let section = section.as_str();
            let sections = [
                "schemas",
                "parameters",
                "requestBodies",
                "responses",
                "headers",
            ];
            if !sections.contains(&section) {
                continue;
            }
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            self.path.push(Segment::Key(section));
            for (name, entry) in entries.iter_mut() {
                self.path.push(Segment::Key(name));
                match section {
                    "schemas" => self.schema(entry),
                    "requestBodies" => self.content(entry),
                    "responses" => self.response(entry),
                    _ => self.parameter(entry),
                }
                self.path.pop();
            }
            self.path.pop();
        }
        self.path.pop();
    }

    fn parameters(&mut self, parameters: &'v mut Value) {
        let Some(parameters) = parameters.as_array_mut() else {
            return;
        };
        self.path.push(Segment::Key("parameters"));
        for (index, parameter) in parameters.iter_mut().enumerate() {
            self.path.push(Segment::Index(index));
            self.parameter(parameter);
            self.path.pop();
        }
        self.path.pop();
    }

    /// A parameter or header: its `schema`, or the schemas of its `content`.
    fn parameter(&mut self, parameter: &'v mut Value) {
        let Some(parameter) = parameter.as_object_mut() else {
            return;
        };
        for (key, value) in parameter.iter_mut() {
            match key.as_str() {
                "schema" => self.schema_slot(value),
                "content" => self.media_types(value),
                _ => {}
            }
        }
    }

    fn response(&mut self, response: &'v mut Value) {
        let Some(response) = response.as_object_mut() else {
            return;
        };
        for (key, value) in response.iter_mut() {
            match key.as_str() {
                "content" => self.media_types(value),
                "headers" => {
                    let Some(headers) = value.as_object_mut() else {
                        continue;
                    };
                    self.path.push(Segment::Key("headers"));
                    for (name, header) in headers.iter_mut() {
                        self.path.push(Segment::Key(name));
                        self.parameter(header);
                        self.path.pop();
                    }
                    self.path.pop();
                }
                _ => {}
            }
        }
    }

    /// The schema of each media type in `holder.content`.
    fn content(&mut self, holder: &'v mut Value) {
        if let Some(content) = holder.get_mut("content") {
            self.media_types(content);
        }
    }

    /// The schema of each media type in a `content` map.
    fn media_types(&mut self, content: &'v mut Value) {
        let Some(content) = content.as_object_mut() else {
            return;
        };
        self.path.push(Segment::Key("content"));
        for (media_type, media) in content.iter_mut() {
            if let Some(schema) = media.get_mut("schema") {
                self.path.push(Segment::Key(media_type));
                self.schema_slot(schema);
                self.path.pop();
            }
        }
        self.path.pop();
    }

    /// The `schema` of a parameter, header or media type. `schema: null` is read as no
    /// constraint (any JSON value), which is what leaving it out of a media type means.
    fn schema_slot(&mut self, schema: &'v mut Value) {
        self.path.push(Segment::Key("schema"));
        if schema.is_null() {
            *schema = Value::Object(serde_json::Map::new());
            self.warn(
                &[],
                "`schema` is null: read as any JSON value".to_owned(),
                "write `schema: {}` for any value, or give the value's type",
            );
        }
        self.schema(schema);
        self.path.pop();
    }

    fn schema(&mut self, schema: &'v mut Value) {
        if !schema.is_object() {
            self.wrong(None, "a schema (an object) or a `$ref`", schema);
            return;
        }
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        if let Some(reference) = object.get("$ref") {
            if !reference.is_string() {
                self.wrong(Some(Segment::Key("$ref")), "a string", reference);
            }
            return;
        }
        self.lenient(object);
        // The schema's own entries, looked up in the table: a schema has a few, the table many.
        for (key, value) in object.iter_mut() {
            if let Some(expected) = expected_for(key) {
                self.path.push(Segment::Key(key));
                self.keyword(value, expected);
                self.path.pop();
            }
        }
    }

    /// Checks the keyword value at the walk's place.
    fn keyword(&mut self, value: &'v mut Value, expected: Expected) {
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
            Expected::Schemas if !value.is_array() => {
                self.wrong(None, "a list of schemas", value);
            }
            Expected::Schemas => {
                for (index, item) in value.as_array_mut().into_iter().flatten().enumerate() {
                    self.path.push(Segment::Index(index));
                    self.schema(item);
                    self.path.pop();
                }
            }
            Expected::SchemaMap if !value.is_object() => {
                self.wrong(None, "an object of schemas, one per property", value);
            }
            Expected::SchemaMap => {
                for (name, item) in value.as_object_mut().into_iter().flatten() {
                    self.path.push(Segment::Key(name));
                    self.schema(item);
                    self.path.pop();
                }
            }
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

    /// Rewrites the invalid-but-clear constructs of the schema at the walk's place (see
    /// `lenient`), with a warning for each.
    fn lenient(&mut self, schema: &mut serde_json::Map<String, Value>) {
        for found in super::lenient::rewrite(schema) {
            self.warn(&found.at, found.message, found.help);
        }
    }

    /// The walk's place, and `more` segments below it, as a pointer.
    fn pointer(&self, more: &[Segment<'_>]) -> Pointer {
        let mut pointer = Pointer::root();
        for step in self.path.iter().chain(more) {
            pointer = match *step {
                Segment::Key(key) => pointer.join(key),
                Segment::Index(index) => pointer.join(index),
            };
        }
        pointer
    }

    /// Warns at the walk's place (and `more` segments below it).
    fn warn(&mut self, more: &[Segment<'_>], message: String, help: &str) {
        let pointer = self.pointer(more);
        self.warnings
            .push(Diagnostic::warning_at(self.file, &pointer, message).help(help));
    }

    /// Reports `found` at the walk's place (and one more `segment`, if given).
    fn wrong(&mut self, segment: Option<Segment<'_>>, expected: &str, found: &Value) {
        let pointer = self.pointer(segment.as_slice());
        self.errors.push(
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
