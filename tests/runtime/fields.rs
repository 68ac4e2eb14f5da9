//! `Key`, `read_into`, `missing` and `skip`, as the models' written-out `Deserialize` impls use
//! them: an absent property is `None`, `null` is refused unless nullable and kept apart from
//! absent when it is, a missing required property is named, and unknown properties are skipped.
//! `ObjectWriter`, as their written-out `Serialize` impls use it: the same output and the same
//! serializer calls as serde's derive, `writeOnly` properties left out of replies.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::runtime::{
    Closed, Key, ObjectWriter, Replying, absent_or_replying, missing, read_extra, read_into,
    replying, skip, unknown,
};

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
                        "id" => read_into(&mut map, &mut id),
                        "present" => read_into(&mut map, &mut present),
                        "nullable" => read_into(&mut map, &mut nullable),
                        _ => skip(&mut map),
                    }?;
                }
                let Some(id) = id else {
                    return Err(missing("id"));
                };
                Ok(Fields {
                    id,
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
                        "a" => read_into(&mut map, &mut a),
                        _ => unknown(&mut map, key.as_str()),
                    }?;
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

/// What the generator writes for an object that keeps the properties it does not name.
#[derive(Debug, PartialEq)]
struct Open {
    a: Option<i64>,
    extra: std::collections::BTreeMap<String, serde_json::Value>,
}

impl<'de> Deserialize<'de> for Open {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Object;
        impl<'de> Visitor<'de> for Object {
            type Value = Open;
            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("an `Open` object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Open, A::Error> {
                let mut a = None;
                let mut extra = std::collections::BTreeMap::new();
                while let Some(key) = map.next_key::<Key>()? {
                    match key.as_str() {
                        "a" => read_into(&mut map, &mut a),
                        _ => read_extra(&mut map, &mut extra, key),
                    }?;
                }
                Ok(Open { a, extra })
            }
        }
        deserializer.deserialize_map(Object)
    }
}

#[test]
fn other_properties_are_kept_by_name_and_a_repeated_key_keeps_its_last_value() {
    let open: Open = serde_json::from_str(r#"{"b": [1], "a": 1, "a": 2, "\u0063": null}"#)
        .expect("an open object");
    assert_eq!(open.a, Some(2));
    let extra: Vec<(&str, String)> = open
        .extra
        .iter()
        .map(|(key, value)| (key.as_str(), value.to_string()))
        .collect();
    assert_eq!(extra, [("b", "[1]".to_owned()), ("c", "null".to_owned())]);
}

/// What the generator writes for `writeOnly` properties, required and optional, beside a
/// plain required and a plain optional one.
struct Secrets {
    name: String,
    note: Option<Option<String>>,
    password: String,
    pin: Option<String>,
}

impl Serialize for Secrets {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = 1
            + usize::from(self.note.is_some())
            + usize::from(!replying(&self.password))
            + usize::from(!absent_or_replying(&self.pin));
        ObjectWriter::start(serializer, "Secrets", len)
            .field("name", &self.name)
            .optional("note", &self.note)
            .write_only("password", &self.password)
            .optional_write_only("pin", &self.pin)
            .end()
    }
}

/// The same struct as serde's derive writes it, for comparison.
#[derive(Serialize)]
#[serde(rename = "Secrets")]
struct Derived {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<Option<String>>,
    #[serde(skip_serializing_if = "crate::runtime::replying")]
    password: String,
    #[serde(skip_serializing_if = "crate::runtime::absent_or_replying")]
    pin: Option<String>,
}

fn both(note: Option<Option<&str>>, pin: Option<&str>) -> (Secrets, Derived) {
    let note = note.map(|note| note.map(str::to_owned));
    let pin = pin.map(str::to_owned);
    let secrets = Secrets {
        name: "n".to_owned(),
        note: note.clone(),
        password: "p".to_owned(),
        pin: pin.clone(),
    };
    let derived = Derived {
        name: "n".to_owned(),
        note,
        password: "p".to_owned(),
        pin,
    };
    (secrets, derived)
}

#[test]
fn write_only_properties_are_left_out_only_while_a_reply_is_written() {
    let (secrets, _) = both(None, Some("1"));
    let sent = serde_json::to_string(&secrets).expect("JSON");
    assert_eq!(sent, r#"{"name":"n","password":"p","pin":"1"}"#);
    let replied = {
        let _replying = Replying::start();
        serde_json::to_string(&secrets).expect("JSON")
    };
    assert_eq!(replied, r#"{"name":"n"}"#);
    let (absent, _) = both(None, None);
    assert_eq!(
        serde_json::to_string(&absent).expect("JSON"),
        r#"{"name":"n","password":"p"}"#
    );
}

#[test]
fn the_object_writer_makes_the_calls_serdes_derive_makes() {
    for note in [None, Some(None), Some(Some("x"))] {
        for pin in [None, Some("1")] {
            for reply in [false, true] {
                let (secrets, derived) = both(note, pin);
                let _replying = reply.then(Replying::start);
                let written = secrets.serialize(Recorder).expect("recorded");
                let expected = derived.serialize(Recorder).expect("recorded");
                assert_eq!(
                    written, expected,
                    "note {note:?}, pin {pin:?}, reply {reply}"
                );
                // `len` is what formats such as MessagePack write before the properties.
                let sent = written
                    .iter()
                    .filter(|call| call.starts_with("field "))
                    .count();
                assert_eq!(written[0], format!("struct Secrets {sent}"));
            }
        }
    }
}

/// A serializer that writes down the calls a struct makes of it: the struct's name and `len`,
/// each property written or skipped (with its value's `Debug` form), and the end.
struct Recorder;

struct Recording(Vec<String>);

#[derive(Debug)]
struct Unsupported(String);

impl std::fmt::Display for Unsupported {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for Unsupported {}

impl serde::ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        Unsupported(message.to_string())
    }
}

impl serde::ser::SerializeStruct for Recording {
    type Ok = Vec<String>;
    type Error = Unsupported;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unsupported> {
        let value = serde_json::to_string(value).map_err(serde::ser::Error::custom)?;
        self.0.push(format!("field {key} {value}"));
        Ok(())
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), Unsupported> {
        self.0.push(format!("skip {key}"));
        Ok(())
    }

    fn end(mut self) -> Result<Vec<String>, Unsupported> {
        self.0.push("end".to_owned());
        Ok(self.0)
    }
}

/// The serializer methods a struct's `Serialize` must not call.
macro_rules! unsupported {
    ($($method:ident($($argument:ty),*) -> $returns:ty;)*) => {
        $(fn $method(self, $(_: $argument),*) -> Result<$returns, Unsupported> {
            Err(Unsupported(stringify!($method).to_owned()))
        })*
    };
}

impl serde::Serializer for Recorder {
    type Ok = Vec<String>;
    type Error = Unsupported;
    type SerializeSeq = serde::ser::Impossible<Vec<String>, Unsupported>;
    type SerializeTuple = serde::ser::Impossible<Vec<String>, Unsupported>;
    type SerializeTupleStruct = serde::ser::Impossible<Vec<String>, Unsupported>;
    type SerializeTupleVariant = serde::ser::Impossible<Vec<String>, Unsupported>;
    type SerializeMap = serde::ser::Impossible<Vec<String>, Unsupported>;
    type SerializeStruct = Recording;
    type SerializeStructVariant = serde::ser::Impossible<Vec<String>, Unsupported>;

    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Recording, Unsupported> {
        Ok(Recording(vec![format!("struct {name} {len}")]))
    }

    unsupported! {
        serialize_bool(bool) -> Vec<String>;
        serialize_i8(i8) -> Vec<String>;
        serialize_i16(i16) -> Vec<String>;
        serialize_i32(i32) -> Vec<String>;
        serialize_i64(i64) -> Vec<String>;
        serialize_u8(u8) -> Vec<String>;
        serialize_u16(u16) -> Vec<String>;
        serialize_u32(u32) -> Vec<String>;
        serialize_u64(u64) -> Vec<String>;
        serialize_f32(f32) -> Vec<String>;
        serialize_f64(f64) -> Vec<String>;
        serialize_char(char) -> Vec<String>;
        serialize_str(&str) -> Vec<String>;
        serialize_bytes(&[u8]) -> Vec<String>;
        serialize_none() -> Vec<String>;
        serialize_unit() -> Vec<String>;
        serialize_unit_struct(&'static str) -> Vec<String>;
        serialize_unit_variant(&'static str, u32, &'static str) -> Vec<String>;
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<Vec<String>, Unsupported> {
        Err(Unsupported("serialize_some".to_owned()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<Vec<String>, Unsupported> {
        Err(Unsupported("serialize_newtype_struct".to_owned()))
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<Vec<String>, Unsupported> {
        Err(Unsupported("serialize_newtype_variant".to_owned()))
    }
}
