//! `Key`, `required` and `skip`, as the models' written-out `Deserialize` impls use them: an
//! absent property is `None`, `null` is refused unless nullable and kept apart from absent when
//! it is, a missing required property is named, and unknown properties are skipped.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::runtime::{Closed, Key, Replying, required, skip, unknown};

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

/// What the generator writes for an object with `additionalProperties: false`.
#[derive(Debug, PartialEq)]
struct Shut {
    a: Option<i64>,
}

impl<'de> Deserialize<'de> for Shut {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Shut;
            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a `Shut` object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shut, A::Error> {
                let mut a = None;
                while let Some(key) = map.next_key::<Key>()? {
                    match key.as_str() {
                        "a" => a = Some(map.next_value()?),
                        _ => unknown(&mut map, key.as_str())?,
                    }
                }
                Ok(Shut { a })
            }
        }
        deserializer.deserialize_map(Object)
    }
}

#[test]
fn closed_objects_refuse_other_keys_only_while_a_request_is_read() {
    let text = r#"{"a": 1, "b": 2}"#;
    let lenient: Shut = serde_json::from_str(text).expect("skipped outside a request");
    assert_eq!(lenient, Shut { a: Some(1) });
    let error = {
        let _closed = Closed::refusing();
        serde_json::from_str::<Shut>(text).expect_err("refused")
    };
    assert!(
        error
            .to_string()
            .starts_with("`b` is not a property (additionalProperties false)"),
        "{error}"
    );
    // The guard is gone: lenient again.
    assert!(serde_json::from_str::<Shut>(text).is_ok());
}

/// What the generator writes for `writeOnly` properties, required and optional.
#[derive(Serialize)]
struct Secrets {
    #[serde(skip_serializing_if = "crate::runtime::replying")]
    password: String,
    #[serde(skip_serializing_if = "crate::runtime::absent_or_replying")]
    pin: Option<String>,
}

#[test]
fn write_only_properties_are_left_out_only_while_a_reply_is_written() {
    let secrets = Secrets {
        password: "p".to_owned(),
        pin: Some("1".to_owned()),
    };
    let sent = serde_json::to_string(&secrets).expect("JSON");
    assert_eq!(sent, r#"{"password":"p","pin":"1"}"#);
    let replied = {
        let _replying = Replying::start();
        serde_json::to_string(&secrets).expect("JSON")
    };
    assert_eq!(replied, "{}");
    let absent = Secrets {
        password: "p".to_owned(),
        pin: None,
    };
    assert_eq!(
        serde_json::to_string(&absent).expect("JSON"),
        r#"{"password":"p"}"#
    );
}
