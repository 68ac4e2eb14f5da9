//! Real specs point `$ref`s at places other than a component of their own: another schema's
//! property (`#/components/schemas/A/properties/b`) or a header written under some path
//! (`#/paths/~1v2~1items/get/responses/200/headers/ratelimit-limit`). The lowering resolves
//! references to `#/components/<section>/<name>` only, so every other local `$ref` is replaced
//! here, on the raw document, by a copy of what it points at (percent-encoding and `~0`/`~1`
//! escapes decoded). A reference that cannot be followed, or copying that would not end or would
//! grow the document without bound, is a located error.

use serde_json::Value;

use crate::diagnostics::{Diagnostic, Pointer};

/// How many rounds of copying may happen: a copied value may hold further such references.
const ROUNDS: usize = 16;

/// How many JSON values the copies may add in all, against documents built to explode.
const GROWTH_LIMIT: usize = 2_000_000;

/// How deep a copy may land: the parsers refuse deeper documents, and so does this.
const DEPTH_LIMIT: usize = 128;

/// Replaces every local `$ref` that does not name a component entry by a copy of its target.
pub fn inline(file: &str, document: &mut Value) -> Result<(), Vec<Diagnostic>> {
    let mut added = 0_usize;
    for _ in 0..ROUNDS {
        let mut found = Vec::new();
        collect(document, &mut Vec::new(), &mut found);
        if found.is_empty() {
            return Ok(());
        }
        let mut errors = Vec::new();
        let mut copies = Vec::with_capacity(found.len());
        for (place, reference) in found {
            let inside_itself =
                target_steps(&reference).is_some_and(|target| place_starts_with(&place, &target));
            if inside_itself {
                return Err(vec![
                    Diagnostic::at(
                        file,
                        &pointer_of(&place).join("$ref"),
                        format!("`$ref` points at a value that contains it: `{reference}`"),
                    )
                    .help("a value cannot contain a copy of itself; move it into `components`"),
                ]);
            }
            match target(document, &reference) {
                Some(value) if place.len() + depth(value) > DEPTH_LIMIT => {
                    return Err(vec![
                        Diagnostic::at(
                            file,
                            &pointer_of(&place).join("$ref"),
                            format!("copying what `{reference}` points at nests too deep"),
                        )
                        .help("move what it points at into `components` and `$ref` it there"),
                    ]);
                }
                Some(value) => {
                    added = added.saturating_add(count(value));
                    if added > GROWTH_LIMIT {
                        return Err(vec![
                            Diagnostic::at(
                                file,
                                &pointer_of(&place).join("$ref"),
                                "copying the values `$ref`s point at would grow the document \
                                 past two million values",
                            )
                            .help("move what they point at into `components` and `$ref` it there"),
                        ]);
                    }
                    copies.push((place, value.clone()));
                }
                None => errors.push(
                    Diagnostic::at(
                        file,
                        &pointer_of(&place).join("$ref"),
                        format!("`$ref` points at nothing: `{reference}`"),
                    )
                    .help("point it at a place that exists in this document"),
                ),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        for (place, value) in copies {
            if let Some(slot) = at_mut(document, &place) {
                *slot = value;
            }
        }
    }
    let mut left = Vec::new();
    collect(document, &mut Vec::new(), &mut left);
    Err(left
        .into_iter()
        .take(1)
        .map(|(place, reference)| {
            Diagnostic::at(
                file,
                &pointer_of(&place).join("$ref"),
                format!("`$ref` leads back into itself: `{reference}`"),
            )
            .help("a value cannot contain a copy of itself; move it into `components`")
        })
        .collect())
}

/// One step into a JSON value.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// The places of the `$ref`s to copy, with their text, in document order. The walk borrows
/// its path and copies it only for a reference it finds.
fn collect<'v>(
    value: &'v Value,
    path: &mut Vec<(Option<&'v str>, usize)>,
    found: &mut Vec<(Vec<Step>, String)>,
) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                if is_deep_local(reference) {
                    let owned = path
                        .iter()
                        .map(|(key, index)| match key {
                            Some(key) => Step::Key((*key).to_owned()),
                            None => Step::Index(*index),
                        })
                        .collect();
                    found.push((owned, reference.clone()));
                    return;
                }
            }
            for (key, child) in object {
                path.push((Some(key.as_str()), 0));
                collect(child, path, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                path.push((None, index));
                collect(child, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A local reference to anything but a component entry (`#/components/<section>/<name>`).
fn is_deep_local(reference: &str) -> bool {
    let Some(pointer) = reference.strip_prefix("#/") else {
        return false;
    };
    let segments: Vec<&str> = pointer.split('/').collect();
    !(segments.len() == 3 && segments[0] == "components")
}

/// The value a local reference points at.
fn target<'v>(document: &'v Value, reference: &str) -> Option<&'v Value> {
    let pointer = reference.strip_prefix('#')?;
    let decoded = percent_decoded(pointer)?;
    document.pointer(&decoded)
}

/// `%7B` and the like decoded (a fragment may be percent-encoded); `None` if that is not UTF-8.
fn percent_decoded(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
        match (byte, hex(index + 1), hex(index + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).ok()?);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The segments of a local reference, decoded.
fn target_steps(reference: &str) -> Option<Vec<String>> {
    let decoded = percent_decoded(reference.strip_prefix("#/")?)?;
    Some(
        decoded
            .split('/')
            .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
            .collect(),
    )
}

/// Whether `place` lies at or below `target`.
fn place_starts_with(place: &[Step], target: &[String]) -> bool {
    target.len() <= place.len()
        && place.iter().zip(target).all(|(step, segment)| match step {
            Step::Key(key) => key == segment,
            Step::Index(index) => index.to_string() == *segment,
        })
}

fn depth(value: &Value) -> usize {
    match value {
        Value::Object(object) => 1 + object.values().map(depth).max().unwrap_or(0),
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        _ => 1,
    }
}

fn count(value: &Value) -> usize {
    match value {
        Value::Object(object) => 1 + object.values().map(count).sum::<usize>(),
        Value::Array(items) => 1 + items.iter().map(count).sum::<usize>(),
        _ => 1,
    }
}

fn at_mut<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |value, step| match step {
        Step::Key(key) => value.get_mut(key.as_str()),
        Step::Index(index) => value.get_mut(*index),
    })
}

fn pointer_of(path: &[Step]) -> Pointer {
    path.iter()
        .fold(Pointer::root(), |pointer, step| match step {
            Step::Key(key) => pointer.join(key),
            Step::Index(index) => pointer.join(index),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_into_properties_and_paths_become_copies() {
        let mut document = json!({
            "paths": {"/v2/items": {"get": {"responses": {"200": {"headers": {
                "limit": {"schema": {"type": "integer"}},
                "again": {"$ref": "#/paths/~1v2~1items/get/responses/200/headers/limit"},
            }}}}}},
            "components": {"schemas": {
                "A": {"properties": {"b": {"type": "string", "maxLength": 3}}},
                "C": {"properties": {"d": {"$ref": "#/components/schemas/A/properties/b"}}},
                "E": {"$ref": "#/components/schemas/A"},
                "F": {"$ref": "#/components/schemas/A%2Fproperties/b"},
            }},
        });
        inline("spec/t.json", &mut document).expect("inlined");
        assert_eq!(
            document.pointer("/paths/~1v2~1items/get/responses/200/headers/again"),
            Some(&json!({"schema": {"type": "integer"}}))
        );
        assert_eq!(
            document.pointer("/components/schemas/C/properties/d"),
            Some(&json!({"type": "string", "maxLength": 3}))
        );
        // A component entry stays a reference, for the lowering to name.
        assert_eq!(
            document.pointer("/components/schemas/E"),
            Some(&json!({"$ref": "#/components/schemas/A"}))
        );
    }

    #[test]
    fn missing_targets_and_self_containing_values_are_errors() {
        let mut missing = json!({"components": {"schemas": {
            "A": {"properties": {"b": {"$ref": "#/components/schemas/Z/properties/q"}}},
        }}});
        let errors = inline("spec/t.json", &mut missing).expect_err("missing");
        assert!(
            errors[0].message.contains("points at nothing"),
            "{errors:?}"
        );

        let mut looping = json!({"components": {"schemas": {
            "A": {"properties": {"b": {"items": {"$ref": "#/components/schemas/A/properties/b"}}}},
        }}});
        let errors = inline("spec/t.json", &mut looping).expect_err("loops");
        assert!(errors[0].message.contains("contains it"), "{errors:?}");

        // Two values that point into each other: copies grow until a limit says so.
        let mut mutual = json!({"components": {"schemas": {
            "A": {"properties": {"b": {"items": {"$ref": "#/components/schemas/B/properties/c"}}}},
            "B": {"properties": {"c": {"items": {"$ref": "#/components/schemas/A/properties/b"}}}},
        }}});
        let errors = inline("spec/t.json", &mut mutual).expect_err("mutual");
        assert_eq!(errors.len(), 1, "{errors:?}");
    }
}
