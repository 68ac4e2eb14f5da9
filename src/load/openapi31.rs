//! OpenAPI 3.1 documents read as the 3.0 documents they mean, on the raw value, before anything
//! else looks at them. The common differences are converted: `type: [T, "null"]` (→ `type: T`
//! with `nullable: true`), a list of several types (→ `oneOf`), `const` (→ a one-value `enum`),
//! numeric `exclusiveMinimum`/`exclusiveMaximum` (→ the 3.0 bound and flag), `examples` lists in
//! schemas (→ the first as `example`), a `{type: 'null'}` member of a union beside others (→ the
//! union `nullable`), and `webhooks`, `jsonSchemaDialect` and a missing `paths`.
//! What has no 3.0 form (`prefixItems`, `if`/`then`/`else`, `$dynamicRef`, …) is a located error.

use serde_json::{Map, Value, json};

use crate::diagnostics::{Diagnostic, Pointer};

/// Keywords of JSON Schema 2020-12 with no OpenAPI 3.0 counterpart.
const UNSUPPORTED: [&str; 9] = [
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "$dynamicRef",
    "unevaluatedProperties",
    "patternProperties",
];

/// Whether `document` says it is OpenAPI 3.1.
pub fn is_31(document: &Value) -> bool {
    document
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|version| version.starts_with("3.1"))
}

/// Rewrites a 3.1 `document` as 3.0.3, or says what cannot be.
pub fn convert(file: &str, document: &mut Value) -> Result<(), Vec<Diagnostic>> {
    let Some(root) = document.as_object_mut() else {
        return Ok(());
    };
    root.insert("openapi".to_owned(), json!("3.0.3"));
    // Webhooks are requests the API sends, not operations it serves: there is nothing to
    // generate for them.
    root.shift_remove("webhooks");
    root.shift_remove("jsonSchemaDialect");
    root.entry("paths").or_insert_with(|| json!({}));
    let mut errors = Vec::new();
    let mut path = Vec::new();
    convert_value(file, document, &mut path, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Walks every object: any that looks like a schema (has `type`, `const`, `examples`, numeric
/// bounds or an unsupported keyword) is converted in place.
fn convert_value(
    file: &str,
    value: &mut Value,
    path: &mut Vec<String>,
    errors: &mut Vec<Diagnostic>,
) {
    match value {
        Value::Object(object) => {
            convert_schema(file, object, path, errors);
            let keys: Vec<String> = object.keys().cloned().collect();
            for key in keys {
                // `example`, `examples` (in media types) and `default` hold data, not schemas.
                if matches!(key.as_str(), "example" | "default" | "enum" | "const") {
                    continue;
                }
                if let Some(child) = object.get_mut(&key) {
                    path.push(key);
                    convert_value(file, child, path, errors);
                    path.pop();
                }
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                path.push(index.to_string());
                convert_value(file, item, path, errors);
                path.pop();
            }
        }
        _ => {}
    }
}

fn pointer(path: &[String], last: &str) -> Pointer {
    path.iter()
        .fold(Pointer::root(), |pointer, step| pointer.join(step))
        .join(last)
}

fn convert_schema(
    file: &str,
    schema: &mut Map<String, Value>,
    path: &[String],
    errors: &mut Vec<Diagnostic>,
) {
    // Maps whose keys are names chosen by the author (a property called `const` is no keyword).
    const NAME_MAPS: [&str; 18] = [
        "properties",
        "patternProperties",
        "schemas",
        "mapping",
        "variables",
        "examples",
        "links",
        "callbacks",
        "securitySchemes",
        "headers",
        "content",
        "encoding",
        "paths",
        "responses",
        "parameters",
        "requestBodies",
        "$defs",
        "definitions",
    ];
    if path
        .last()
        .is_none_or(|last| NAME_MAPS.contains(&last.as_str()))
    {
        return;
    }
    for keyword in UNSUPPORTED {
        if schema.contains_key(keyword) {
            errors.push(
                Diagnostic::at(
                    file,
                    &pointer(path, keyword),
                    format!("`{keyword}` (JSON Schema 2020-12) has no OpenAPI 3.0 form"),
                )
                .help("write the schema without it, or with oneOf/allOf"),
            );
        }
    }
    // `oneOf: [{$ref: A}, {type: 'null'}]`: a nullable `A`, as in a 3.0 document that wrote it
    // (where it is invalid and warned about; here it is the usual way).
    super::lenient::null_union_members(schema, &mut Vec::new());
    if let Some(Value::Array(types)) = schema.get("type").cloned() {
        let nullable = types.iter().any(|ty| ty == "null");
        let others: Vec<Value> = types.into_iter().filter(|ty| ty != "null").collect();
        schema.shift_remove("type");
        match others.as_slice() {
            [] => {}
            [single] => {
                schema.insert("type".to_owned(), single.clone());
            }
            several => {
                let members: Vec<Value> = several.iter().map(|ty| json!({ "type": ty })).collect();
                schema.insert("oneOf".to_owned(), Value::Array(members));
            }
        }
        if nullable {
            schema.insert("nullable".to_owned(), json!(true));
        }
    } else if schema.get("type").is_some_and(|ty| ty == "null") {
        schema.shift_remove("type");
        schema.insert("nullable".to_owned(), json!(true));
    }
    if let Some(value) = schema.shift_remove("const") {
        schema.insert("enum".to_owned(), json!([value]));
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(limit) = schema
            .get(exclusive)
            .filter(|value| value.is_number())
            .cloned()
        {
            schema.insert(bound.to_owned(), limit);
            schema.insert(exclusive.to_owned(), json!(true));
        }
    }
    // In a schema, `examples` is a list of values (3.0 has one `example`); in a media type or a
    // parameter it is a map of named examples, which 3.0 has too.
    if let Some(Value::Array(examples)) = schema.get("examples").cloned() {
        schema.shift_remove("examples");
        if let Some(first) = examples.into_iter().next() {
            schema.entry("example").or_insert(first);
        }
    }
    schema.shift_remove("$schema");
    schema.shift_remove("contentMediaType");
    schema.shift_remove("contentEncoding");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_differences_become_their_30_forms() {
        let mut document = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "webhooks": {"new": {}},
            "components": {"schemas": {"A": {
                "type": "object",
                "properties": {
                    "user": {"type": ["string", "null"], "examples": ["u1", "u2"]},
                    "kind": {"const": "account"},
                    "count": {"type": "integer", "exclusiveMinimum": 0},
                    "either": {"type": ["string", "integer"]},
                    "maybe": {"oneOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]},
                },
            }}},
        });
        convert("spec/t.yaml", &mut document).expect("converts");
        assert_eq!(document["openapi"], "3.0.3");
        assert!(document.get("webhooks").is_none());
        assert_eq!(document["paths"], json!({}));
        let properties = &document["components"]["schemas"]["A"]["properties"];
        assert_eq!(
            properties["user"],
            json!({"type": "string", "nullable": true, "example": "u1"})
        );
        assert_eq!(properties["kind"], json!({"enum": ["account"]}));
        assert_eq!(
            properties["count"],
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})
        );
        assert_eq!(
            properties["either"],
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(
            properties["maybe"],
            json!({"oneOf": [{"$ref": "#/components/schemas/B"}], "nullable": true})
        );
    }

    #[test]
    fn properties_named_like_keywords_are_left_alone() {
        let mut document = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"A": {"type": "object", "properties": {
                "const": {"type": "string"},
                "if": {"type": "string"},
                "type": {"type": ["string", "null"]},
            }}}},
        });
        convert("spec/t.yaml", &mut document).expect("converts");
        assert_eq!(
            document["components"]["schemas"]["A"]["properties"],
            json!({
                "const": {"type": "string"},
                "if": {"type": "string"},
                "type": {"type": "string", "nullable": true},
            })
        );
    }

    #[test]
    fn what_30_cannot_say_is_a_located_error() {
        let mut document = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"T": {"type": "array", "prefixItems": [{"type": "string"}]}}},
        });
        let errors = convert("spec/t.yaml", &mut document).expect_err("prefixItems");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].message.contains("prefixItems"), "{errors:?}");
    }
}
