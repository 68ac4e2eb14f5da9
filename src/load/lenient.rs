//! Invalid-but-common constructs of real specs, read as what they clearly mean: each is rewritten
//! in the raw schema (before `openapiv3` reads it, which would refuse some and silently read
//! others as an untyped schema) and reported as a located warning. Constructs whose intent is
//! not clear are left for the checks, which make them errors.
//!
//! Every rule looks at one schema object's own keywords (and, for unions, at its members' `type`),
//! so the walk that calls it stays linear.

use std::collections::HashSet;

use serde_json::{Map, Number, Value};

use super::schemas::{Segment, describe};

/// Where below the schema a warning points, what it says and how to fix the spec.
pub(super) struct Lenient {
    pub at: Vec<Segment<'static>>,
    pub message: String,
    pub help: &'static str,
}

/// The smallest double above every `i64` (2^63); `i64::MIN` (-2^63) is exact as a double.
const ABOVE_I64: f64 = 9_223_372_036_854_775_808.0;
const I64_MIN: f64 = -9_223_372_036_854_775_808.0;

/// Rewrites what `schema` says invalidly but clearly, returning a warning for each rewrite.
pub(super) fn rewrite(schema: &mut Map<String, Value>) -> Vec<Lenient> {
    let mut found = Vec::new();
    empty_required(schema, &mut found);
    null_union_members(schema, &mut found);
    null_type(schema, &mut found);
    duplicate_enum_values(schema, &mut found);
    if schema.get("type").is_some_and(|ty| ty == "integer") {
        integer_bounds(schema, &mut found);
        integer_enum(schema, &mut found);
    }
    mismatched_default(schema, &mut found);
    found
}

/// `required: []`: 3.0 wants at least one name; an empty list requires nothing.
fn empty_required(schema: &mut Map<String, Value>, found: &mut Vec<Lenient>) {
    let empty = schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty);
    if empty {
        schema.shift_remove("required");
        found.push(Lenient {
            at: vec![Segment::Key("required")],
            message: "`required` is empty, which OpenAPI 3.0 does not allow: read as no \
                      required properties"
                .to_owned(),
            help: "remove `required`, or list at least one property",
        });
    }
}

/// `oneOf`/`anyOf` with a `type: 'null'` member beside others: the union is nullable, and the
/// member is dropped (3.0 has no null type; `nullable: true` says the same).
/// 3.1 documents write unions this way validly; their conversion calls this too and drops the
/// warnings.
pub(super) fn null_union_members(schema: &mut Map<String, Value>, found: &mut Vec<Lenient>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = schema.get_mut(key) else {
            continue;
        };
        let is_null = |member: &Value| member.get("type").is_some_and(|ty| ty == "null");
        let nulls = members.iter().filter(|member| is_null(member)).count();
        if nulls == 0 || nulls == members.len() {
            continue;
        }
        for (index, member) in members.iter().enumerate() {
            if is_null(member) {
                found.push(Lenient {
                    at: vec![
                        Segment::Key(key),
                        Segment::Index(index),
                        Segment::Key("type"),
                    ],
                    message: format!(
                        "`type: 'null'` is not an OpenAPI 3.0 type: read as `nullable: true` on \
                         the `{key}`, without this member"
                    ),
                    help: "remove the member and write `nullable: true` beside the union",
                });
            }
        }
        members.retain(|member| !is_null(member));
        schema.insert("nullable".to_owned(), Value::Bool(true));
    }
}

/// `type: 'null'` on its own: a value that may be null, of no other stated type.
fn null_type(schema: &mut Map<String, Value>, found: &mut Vec<Lenient>) {
    if schema.get("type").is_some_and(|ty| ty == "null") {
        schema.shift_remove("type");
        schema.insert("nullable".to_owned(), Value::Bool(true));
        found.push(Lenient {
            at: vec![Segment::Key("type")],
            message: "`type: 'null'` is not an OpenAPI 3.0 type: read as any value, \
                      `nullable: true`"
                .to_owned(),
            help: "write `nullable: true` on the schema whose value may be null",
        });
    }
}

/// An `enum` listing a value twice: the repeats are dropped.
fn duplicate_enum_values(schema: &mut Map<String, Value>, found: &mut Vec<Lenient>) {
    let Some(Value::Array(values)) = schema.get_mut("enum") else {
        return;
    };
    // Values compare by their JSON text; `serde_json` keeps object keys in document order, so
    // two objects written in different orders count as different (as they would in 3.0 tools).
    let mut seen = HashSet::with_capacity(values.len());
    let mut keep = Vec::with_capacity(values.len());
    for (index, value) in values.iter().enumerate() {
        let first = seen.insert(value.to_string());
        if !first {
            found.push(Lenient {
                at: vec![Segment::Key("enum"), Segment::Index(index)],
                message: format!(
                    "`enum` lists {} more than once: the repeat is dropped",
                    describe(value)
                ),
                help: "list each value once",
            });
        }
        keep.push(first);
    }
    if keep.contains(&false) {
        let mut keep = keep.into_iter();
        values.retain(|_| keep.next().unwrap_or(true));
    }
}

/// What a number is as a bound of an integer schema.
enum AsInteger {
    Exact(i64),
    /// Between two integers: the one below and the one above.
    Between(i64, i64),
    AboveAll,
    BelowAll,
}

fn as_integer(number: &Number) -> AsInteger {
    if let Some(exact) = number.as_i64() {
        return AsInteger::Exact(exact);
    }
    let value = number.as_f64().unwrap_or(0.0);
    if value >= ABOVE_I64 {
        AsInteger::AboveAll
    } else if value < I64_MIN {
        AsInteger::BelowAll
    } else if value.fract() == 0.0 {
        // In range and whole, so the cast is exact.
        AsInteger::Exact(value as i64)
    } else {
        // In range, so the casts are exact.
        AsInteger::Between(value.floor() as i64, value.ceil() as i64)
    }
}

/// `minimum`, `maximum` and `multipleOf` of an integer schema as `i64`s, which is what 3.0
/// tools (and `openapiv3`, which otherwise reads the schema as untyped) expect. A whole number
/// written as a double is read as the integer; a fractional bound is rounded inwards (an integer
/// above 1.5 is at least 2). A bound beyond 64 bits that no `i64` can pass is dropped; one that
/// every `i64` fails is clamped to the nearest `i64`, with a warning either way.
fn integer_bounds(schema: &mut Map<String, Value>, found: &mut Vec<Lenient>) {
    for (key, exclusive, is_minimum) in [
        ("minimum", "exclusiveMinimum", true),
        ("maximum", "exclusiveMaximum", false),
    ] {
        let Some(Value::Number(number)) = schema.get(key) else {
            continue;
        };
        let text = number.to_string();
        let (replacement, warning) = match (as_integer(number), is_minimum) {
            (AsInteger::Exact(exact), _) => (Some(Value::from(exact)), None),
            (AsInteger::Between(below, above), _) => {
                // `x > 1.5` and `x >= 1.5` both mean `x >= 2` for an integer.
                schema.shift_remove(exclusive);
                (
                    Some(Value::from(if is_minimum { above } else { below })),
                    None,
                )
            }
            (AsInteger::BelowAll, true) => (
                None,
                Some(format!(
                    "`{key}` {text} is below every 64-bit integer, so it holds for all: dropped"
                )),
            ),
            (AsInteger::AboveAll, false) => (
                None,
                Some(format!(
                    "`{key}` {text} is above every 64-bit integer, so it holds for all: dropped"
                )),
            ),
            (AsInteger::AboveAll, true) => (
                Some(Value::from(i64::MAX)),
                Some(format!(
                    "`{key}` {text} is above every 64-bit integer: read as {}",
                    i64::MAX
                )),
            ),
            (AsInteger::BelowAll, false) => (
                Some(Value::from(i64::MIN)),
                Some(format!(
                    "`{key}` {text} is below every 64-bit integer: read as {}",
                    i64::MIN
                )),
            ),
        };
        match replacement {
            Some(value) => schema.insert(key.to_owned(), value),
            None => schema.shift_remove(key),
        };
        if let Some(message) = warning {
            found.push(Lenient {
                at: vec![Segment::Key(key)],
                message,
                help: "an integer schema's bounds must fit in 64 bits (`format: int64`)",
            });
        }
    }
    if let Some(Value::Number(number)) = schema.get("multipleOf") {
        let text = number.to_string();
        match as_integer(number) {
            AsInteger::Exact(exact) => {
                schema.insert("multipleOf".to_owned(), Value::from(exact));
            }
            _ => {
                schema.shift_remove("multipleOf");
                found.push(Lenient {
                    at: vec![Segment::Key("multipleOf")],
                    message: format!(
                        "`multipleOf` {text} of an integer schema is not a 64-bit integer: \
                         dropped"
                    ),
                    help: "an integer schema's `multipleOf` must be a whole number",
                });
            }
        }
    }
}

/// The numbers listed in an integer schema's `enum` as `i64`s; a number that is not a 64-bit
/// integer cannot be a value of the schema, and is dropped.
fn integer_enum(schema: &mut Map<String, Value>, found: &mut Vec<Lenient>) {
    let Some(Value::Array(values)) = schema.get_mut("enum") else {
        return;
    };
    let mut keep = Vec::with_capacity(values.len());
    for (index, value) in values.iter_mut().enumerate() {
        let Value::Number(number) = value else {
            keep.push(true);
            continue;
        };
        if let AsInteger::Exact(exact) = as_integer(number) {
            *value = Value::from(exact);
            keep.push(true);
        } else {
            found.push(Lenient {
                at: vec![Segment::Key("enum"), Segment::Index(index)],
                message: format!(
                    "`enum` value {number} of an integer schema is not a 64-bit integer: dropped"
                ),
                help: "an integer schema's values must fit in 64 bits (`format: int64`)",
            });
            keep.push(false);
        }
    }
    if keep.contains(&false) {
        let mut keep = keep.into_iter();
        values.retain(|_| keep.next().unwrap_or(true));
    }
}

/// A `default` whose JSON type is not the schema's `type`: read as that type when the text says
/// it unambiguously (`"10"` for an integer, `1` for a string), else ignored.
fn mismatched_default(schema: &mut Map<String, Value>, found: &mut Vec<Lenient>) {
    let Some(Value::String(ty)) = schema.get("type") else {
        return;
    };
    let Some(default) = schema.get("default") else {
        return;
    };
    let fits = match (ty.as_str(), default) {
        (_, Value::Null) => true,
        ("integer", Value::Number(number)) => {
            matches!(as_integer(number), AsInteger::Exact(_))
        }
        ("number", Value::Number(_))
        | ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_)) => true,
        ("integer" | "number" | "string" | "boolean" | "array" | "object", _) => false,
        // An unknown type is the checks' business.
        _ => true,
    };
    if fits {
        return;
    }
    let coerced = match (ty.as_str(), default) {
        ("integer", Value::String(text)) => text.trim().parse::<i64>().ok().map(Value::from),
        ("number", Value::String(text)) => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        ("string", Value::Number(_) | Value::Bool(_)) => Some(Value::String(default.to_string())),
        ("boolean", Value::String(text)) => match text.as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    };
    let shown = describe(default);
    let message = match &coerced {
        Some(value) => format!("`default` is {shown}, not of `type: {ty}`: read as `{value}`"),
        None => format!("`default` is {shown}, not of `type: {ty}`: ignored"),
    };
    match coerced {
        Some(value) => schema.insert("default".to_owned(), value),
        None => schema.shift_remove("default"),
    };
    found.push(Lenient {
        at: vec![Segment::Key("default")],
        message,
        help: "write the default as a value of the schema's type",
    });
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rewritten(schema: Value) -> (Value, Vec<String>) {
        let Value::Object(mut object) = schema else {
            return (Value::Null, Vec::new());
        };
        let found = rewrite(&mut object);
        let messages = found.into_iter().map(|lenient| lenient.message).collect();
        (Value::Object(object), messages)
    }

    #[test]
    fn a_valid_schema_is_left_alone() {
        let schema = json!({
            "type": "integer", "minimum": 1, "maximum": 10, "exclusiveMaximum": true,
            "enum": [1, 2, null], "default": 2, "required": ["a"], "multipleOf": 1,
        });
        assert_eq!(rewritten(schema.clone()), (schema, Vec::new()));
    }

    #[test]
    fn integer_bounds_beyond_64_bits_are_dropped_or_clamped() {
        let (schema, messages) = rewritten(json!({
            "type": "integer", "maximum": 18_446_744_073_709_552_000.0_f64,
            "minimum": -99_999_999_999_999_999_999.0_f64,
        }));
        assert_eq!(schema, json!({"type": "integer"}));
        assert_eq!(messages.len(), 2, "{messages:?}");
        let (schema, messages) = rewritten(json!({
            "type": "integer", "minimum": 1e30, "maximum": -1e30,
        }));
        assert_eq!(
            schema,
            json!({"type": "integer", "minimum": i64::MAX, "maximum": i64::MIN})
        );
        assert_eq!(messages.len(), 2, "{messages:?}");
        let (schema, messages) = rewritten(json!({
            "type": "integer", "minimum": 1.5, "exclusiveMinimum": true, "maximum": 10.0,
            "exclusiveMaximum": true, "multipleOf": 0.5,
        }));
        assert_eq!(
            schema,
            json!({"type": "integer", "minimum": 2, "maximum": 10, "exclusiveMaximum": true})
        );
        assert_eq!(
            messages,
            ["`multipleOf` 0.5 of an integer schema is not a 64-bit integer: dropped"]
        );
        // `u64` values above `i64::MAX` are beyond too.
        let (schema, _) = rewritten(json!({"type": "integer", "maximum": u64::MAX}));
        assert_eq!(schema, json!({"type": "integer"}));
    }

    #[test]
    fn defaults_are_coerced_when_unambiguous_and_ignored_otherwise() {
        let cases = [
            (json!({"type": "integer", "default": "10"}), Some(json!(10))),
            (json!({"type": "integer", "default": "ten"}), None),
            (json!({"type": "integer", "default": 1.5}), None),
            (json!({"type": "integer", "default": 1e20}), None),
            (json!({"type": "string", "default": 1}), Some(json!("1"))),
            (
                json!({"type": "string", "default": true}),
                Some(json!("true")),
            ),
            (
                json!({"type": "boolean", "default": "false"}),
                Some(json!(false)),
            ),
            (
                json!({"type": "number", "default": "1.5"}),
                Some(json!(1.5)),
            ),
            (json!({"type": "array", "default": "x"}), None),
        ];
        for (schema, expected) in cases {
            let (after, messages) = rewritten(schema.clone());
            assert_eq!(after.get("default"), expected.as_ref(), "{schema}");
            assert_eq!(messages.len(), 1, "{schema}: {messages:?}");
        }
    }
}
