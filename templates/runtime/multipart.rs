//! The client's multipart bodies (`multipart/form-data`), written from any serializable
//! object: a text part for each string, number and boolean, a file part for
//! [`Binary`](super::Binary) bytes, a JSON part for anything nested, and one part per item of a
//! list.

use crate::runtime::binary::BINARY_NAME;
use serde::ser::{self, Impossible, Serialize, Serializer};
use std::fmt;

/// `body`, an object, as a multipart body labelled `media_type`: the content type with the
/// boundary, and the bytes.
pub fn multipart_body(
    media_type: &str,
    body: &impl Serialize,
) -> Result<(String, Vec<u8>), String> {
    let mut parts = Vec::new();
    body.serialize(Fields { parts: &mut parts })
        .map_err(|error| error.to_string())?;
    let (boundary, bytes) = encode(&parts);
    Ok((format!("{media_type}; boundary={boundary}"), bytes))
}

/// Why a value is not written as parts.
#[derive(Debug)]
pub enum PartError {
    /// An object or other compound value, written as one JSON part instead.
    Nested,
    /// Something else.
    Other(String),
}

impl fmt::Display for PartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartError::Nested => f.write_str("a multipart body must be an object"),
            PartError::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for PartError {}

impl ser::Error for PartError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        PartError::Other(message.to_string())
    }
}

/// Writes the field `name` as parts; a compound value becomes one JSON part.
fn add<T: Serialize + ?Sized>(
    parts: &mut Vec<Part>,
    name: &str,
    value: &T,
) -> Result<(), PartError> {
    let field = Field {
        parts: &mut *parts,
        name,
        file: false,
    };
    match value.serialize(field) {
        Err(PartError::Nested) => {
            let bytes = serde_json::to_vec(value).map_err(ser::Error::custom)?;
            parts.push(Part {
                name: name.to_owned(),
                file_name: None,
                content_type: Some("application/json"),
                bytes,
            });
            Ok(())
        }
        done => done,
    }
}

/// The body itself: an object whose fields become parts.
struct Fields<'a> {
    parts: &'a mut Vec<Part>,
}

/// A map body's entries, its key waiting for its value.
struct Entries<'a> {
    parts: &'a mut Vec<Part>,
    key: Option<String>,
}

/// One field's value.
struct Field<'a> {
    parts: &'a mut Vec<Part>,
    name: &'a str,
    /// Inside a `Binary`: the value is a file.
    file: bool,
}

impl Field<'_> {
    fn text(self, text: String) -> Result<(), PartError> {
        if self.file {
            return self.bytes(text.into_bytes());
        }
        self.parts.push(Part {
            name: self.name.to_owned(),
            file_name: None,
            content_type: None,
            bytes: text.into_bytes(),
        });
        Ok(())
    }

    fn bytes(self, bytes: Vec<u8>) -> Result<(), PartError> {
        self.parts.push(Part {
            name: self.name.to_owned(),
            file_name: Some(self.name.to_owned()),
            content_type: Some("application/octet-stream"),
            bytes,
        });
        Ok(())
    }
}

/// Methods of a serializer that refuses every value but objects.
macro_rules! only_objects {
    ($($method:ident($($argument:ty),*) -> $ok:ty;)*) => {$(
        fn $method(self, $(_: $argument),*) -> Result<$ok, PartError> {
            Err(PartError::Nested)
        }
    )*};
}

impl<'a> Serializer for Fields<'a> {
    type Ok = ();
    type Error = PartError;
    type SerializeSeq = Impossible<(), PartError>;
    type SerializeTuple = Impossible<(), PartError>;
    type SerializeTupleStruct = Impossible<(), PartError>;
    type SerializeTupleVariant = Impossible<(), PartError>;
    type SerializeMap = Entries<'a>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), PartError>;

    only_objects! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), PartError> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), PartError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), PartError> {
        Err(PartError::Nested)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Entries<'a>, PartError> {
        Ok(Entries {
            parts: self.parts,
            key: None,
        })
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, PartError> {
        Ok(self)
    }
}

impl ser::SerializeStruct for Fields<'_> {
    type Ok = ();
    type Error = PartError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), PartError> {
        add(self.parts, key, value)
    }

    fn end(self) -> Result<(), PartError> {
        Ok(())
    }
}

impl ser::SerializeMap for Entries<'_> {
    type Ok = ();
    type Error = PartError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), PartError> {
        match serde_json::to_value(key).map_err(ser::Error::custom)? {
            serde_json::Value::String(key) => self.key = Some(key),
            other => self.key = Some(other.to_string()),
        }
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PartError> {
        let key = self.key.take().unwrap_or_default();
        add(self.parts, &key, value)
    }

    fn end(self) -> Result<(), PartError> {
        Ok(())
    }
}

/// Writes a scalar as a text part.
macro_rules! text_part {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method(self, value: $ty) -> Result<(), PartError> {
            self.text(value.to_string())
        }
    )*};
}

impl<'a> Serializer for Field<'a> {
    type Ok = ();
    type Error = PartError;
    type SerializeSeq = Self;
    type SerializeTuple = Impossible<(), PartError>;
    type SerializeTupleStruct = Impossible<(), PartError>;
    type SerializeTupleVariant = Impossible<(), PartError>;
    type SerializeMap = Impossible<(), PartError>;
    type SerializeStruct = Impossible<(), PartError>;
    type SerializeStructVariant = Impossible<(), PartError>;

    text_part! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
    }

    only_objects! {
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct(&'static str, usize) -> Self::SerializeStruct;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }

    fn serialize_bytes(self, bytes: &[u8]) -> Result<(), PartError> {
        self.bytes(bytes.to_vec())
    }

    fn serialize_none(self) -> Result<(), PartError> {
        Ok(())
    }

    fn serialize_unit(self) -> Result<(), PartError> {
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), PartError> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), PartError> {
        self.text(variant.to_owned())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), PartError> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), PartError> {
        self.file |= name == BINARY_NAME;
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), PartError> {
        Err(PartError::Nested)
    }

    /// A list is one part per item, under the same name.
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, PartError> {
        Ok(self)
    }
}

impl ser::SerializeSeq for Field<'_> {
    type Ok = ();
    type Error = PartError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PartError> {
        add(self.parts, self.name, value)
    }

    fn end(self) -> Result<(), PartError> {
        Ok(())
    }
}

/// One part of a multipart body.
struct Part {
    pub name: String,
    /// `Some` for a file part.
    pub file_name: Option<String>,
    pub content_type: Option<&'static str>,
    pub bytes: Vec<u8>,
}

/// The body's bytes, and the boundary between parts: one found in no part.
fn encode(parts: &[Part]) -> (String, Vec<u8>) {
    let mut seed = parts.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, part| {
        let hash = (hash ^ part.bytes.len() as u64).wrapping_mul(0x0100_0000_01b3);
        (hash ^ part.name.len() as u64).wrapping_mul(0x0100_0000_01b3)
    });
    let boundary = loop {
        let boundary = format!("apigen-boundary-{seed:016x}");
        let found = |part: &Part| {
            let needle = boundary.as_bytes();
            part.bytes
                .windows(needle.len())
                .any(|window| window == needle)
        };
        if !parts.iter().any(found) {
            break boundary;
        }
        seed = seed.wrapping_mul(0x0100_0000_01b3).wrapping_add(1);
    };
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!("form-data; name=\"{}\"", quoted(&part.name));
        if let Some(file_name) = &part.file_name {
            disposition.push_str(&format!("; filename=\"{}\"", quoted(file_name)));
        }
        body.extend_from_slice(format!("Content-Disposition: {disposition}\r\n").as_bytes());
        if let Some(content_type) = part.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

/// A name inside a quoted header parameter, escaped as browsers do: `"`, CR and LF
/// percent-encoded, so a name cannot end the parameter or the header.
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}
