//! `Key`, `required` and `skip`, as the models' written-out `Deserialize` impls use them: an
//! absent property is `None`, `null` is refused unless nullable and kept apart from absent when
//! it is, a missing required property is named, and unknown properties are skipped.

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

use crate::runtime::{Key, required, skip};

#[derive(Debug, PartialEq)]
struct Fields {
    id: i64,
    present: Option<i64>,
    nullable: Option<Option<i64>>,
}

/// What the generator writes for `Fields`.
impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Fields;
            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a `Fields` object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut id = None;
                let mut present = None;
                let mut nullable = None;
                while let Some(key) = map.next_key::<Key>()? {
                    match key.as_str() {
                        "id" => id = Some(map.next_value()?),
                        "present" => present = Some(map.next_value()?),
                        "nullable" => nullable = Some(map.next_value()?),
                        _ => skip(&mut map)?,
                    }
                }
                Ok(Fields {
                    id: required(id, "id")?,
                    present,
                    nullable,
                })
            }
        }
        deserializer.deserialize_map(Object)
    }
}

fn read(json: &str) -> Result<Fields, String> {
    serde_json::from_str(json).map_err(|error| error.to_string())
}

#[test]
fn absent_properties_are_none_and_unknown_ones_skipped() {
    let fields = read(r#"{"id": 1, "other": {"deep": [1, null]}}"#).expect("read");
    let expected = Fields {
        id: 1,
        present: None,
        nullable: None,
    };
    assert_eq!(fields, expected);
}

#[test]
fn values_are_some() {
    let fields = read(r#"{"id": 1, "present": 1, "nullable": 2}"#).expect("values are accepted");
    assert_eq!(fields.present, Some(1));
    assert_eq!(fields.nullable, Some(Some(2)));
}

#[test]
fn null_is_kept_apart_from_absent_where_allowed_and_refused_where_not() {
    let fields = read(r#"{"id": 1, "nullable": null}"#).expect("null is accepted by nullable");
    assert_eq!(fields.nullable, Some(None));
    let error = read(r#"{"id": 1, "present": null}"#).expect_err("null is refused by present");
    assert!(
        error.starts_with("invalid type: null, expected i64"),
        "{error}"
    );
}

#[test]
fn a_missing_required_property_is_named() {
    let error = read(r#"{"present": 1}"#).expect_err("id is required");
    assert!(error.starts_with("missing field `id`"), "{error}");
}

#[test]
fn keys_are_read_borrowed_or_owned() {
    // An escaped key cannot be borrowed from the input.
    let fields = read(r#"{"\u0069d": 7}"#).expect("an escaped key");
    assert_eq!(fields.id, 7);
    let value = serde_json::json!({"id": 8});
    let fields = Fields::deserialize(value).expect("from a Value, owned keys");
    assert_eq!(fields.id, 8);
    assert_eq!(
        Key::deserialize(serde_json::json!("k"))
            .expect("key")
            .into_string(),
        "k"
    );
}
