//! A parameter's text read into its type in one pass. The type's `Deserialize` says what it
//! wants (an integer, a string, a list, a map) and the text is parsed as exactly that, once:
//! nothing is tried and thrown away on the way, and text is borrowed from the request unless
//! percent-decoding changed it.

use std::borrow::Cow;
use std::fmt;

use percent_encoding::percent_decode_str;
use serde::de::value::{CowStrDeserializer, MapDeserializer, SeqDeserializer};
use serde::de::{self, DeserializeOwned, IntoDeserializer, Unexpected, Visitor};
use serde_json::Value;

/// A parameter's raw text, shaped by its style.
pub enum Raw<'a> {
    /// One value.
    Scalar(Cow<'a, str>),
    /// Several values.
    List(Vec<Cow<'a, str>>),
    /// Named values.
    Object(Vec<(Cow<'a, str>, Cow<'a, str>)>),
}

/// Reads a parameter into `T`: `None` (absent) is `None` for an `Option` and
/// "missing required parameter" otherwise. The error is the message a `400` carries.
pub fn read_raw<T: DeserializeOwned>(raw: Option<Raw<'_>>) -> Result<T, String> {
    let Some(raw) = raw else {
        let absent = T::deserialize(&Value::Null);
        return absent.map_err(|_| "missing required parameter".to_owned());
    };
    match T::deserialize(Text(&raw)) {
        Ok(value) => Ok(value),
        // The rare failures take the slow path: the value as the JSON it spells. It reads
        // what the text form cannot (an untagged union of numbers and booleans, which asks
        // for "anything" and was given text), and gives the messages serde_json gives.
        Err(_) => typed::<T>(&raw),
    }
}

/// `text` percent-decoded, with `+` as a space (as HTML forms send it): borrowed unless
/// decoding changed something.
pub fn decode_query(text: &str) -> Cow<'_, str> {
    if text.contains('+') {
        let spaced = text.replace('+', " ");
        return Cow::Owned(percent_decode_str(&spaced).decode_utf8_lossy().into_owned());
    }
    percent_decode_str(text).decode_utf8_lossy()
}

/// Why a parameter's text is not the type asked for.
#[derive(Debug)]
pub struct ParameterError(String);

impl fmt::Display for ParameterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParameterError {}

impl de::Error for ParameterError {
    fn custom<M: fmt::Display>(message: M) -> Self {
        ParameterError(message.to_string())
    }
}

/// The slow path: text that spells a number or boolean as that JSON value, the rest as
/// strings, read by serde_json.
fn typed<T: DeserializeOwned>(raw: &Raw<'_>) -> Result<T, String> {
    let value = match raw {
        Raw::Scalar(text) => typed_text(text),
        Raw::List(items) => Value::Array(items.iter().map(|item| typed_text(item)).collect()),
        Raw::Object(fields) => {
            let fields = fields.iter().map(|(k, v)| (k.to_string(), typed_text(v)));
            Value::Object(fields.collect())
        }
    };
    serde_json::from_value::<T>(value).map_err(|error| invalid_value::<T>(raw, &error))
}

/// Text as the number or boolean it spells (`5`, `true`), or else as a string: never
/// `null`, so `?to=null` is not taken for a missing value.
fn typed_text(text: &str) -> Value {
    match serde_json::from_str(text) {
        Ok(value @ (Value::Number(_) | Value::Bool(_))) => value,
        _ => Value::String(text.to_owned()),
    }
}

/// Why a parameter's text is not a `T`. serde_json reads an integer too large for 64
/// bits as a float, so for an integer `T` its error would say "floating point".
fn invalid_value<T: DeserializeOwned>(raw: &Raw<'_>, error: &serde_json::Error) -> String {
    if let Raw::Scalar(text) = raw {
        let digits = text.strip_prefix('-').unwrap_or(text);
        let integer = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
        let fits = text.parse::<i64>().is_ok() || text.parse::<u64>().is_ok();
        if integer && !fits && T::deserialize(&Value::from(0)).is_ok() {
            return format!("invalid value: integer {text} is out of range");
        }
    }
    format!("invalid value: {error}")
}

/// Whether `text` is a number as JSON writes it (no `+`, no leading zeros, no `NaN`), so
/// the fast path accepts exactly the numbers the JSON form would.
fn json_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = usize::from(bytes.first() == Some(&b'-'));
    let digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at - start
    };
    let whole_start = at;
    let whole = digits(&mut at);
    if whole == 0 || (whole > 1 && bytes[whole_start] == b'0') {
        return false;
    }
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        if digits(&mut at) == 0 {
            return false;
        }
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(bytes.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        if digits(&mut at) == 0 {
            return false;
        }
    }
    at == bytes.len()
}

/// A deserializer over a parameter's text.
struct Text<'r, 'a>(&'r Raw<'a>);

/// A deserializer over one value of a list or object.
struct Item<'r>(&'r str);

impl<'de> IntoDeserializer<'de, ParameterError> for Item<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

macro_rules! parse_number {
    ($($method:ident => $visit:ident,)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
                let text = self.0;
                match text.parse() {
                    Ok(number) if json_number(text) => visitor.$visit(number),
                    _ => Err(de::Error::invalid_type(Unexpected::Str(text), &visitor)),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Item<'de> {
    type Error = ParameterError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        visitor.visit_borrowed_str(self.0)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        match self.0 {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            text => Err(de::Error::invalid_type(Unexpected::Str(text), &visitor)),
        }
    }

    parse_number! {
        deserialize_i8 => visit_i8,
        deserialize_i16 => visit_i16,
        deserialize_i32 => visit_i32,
        deserialize_i64 => visit_i64,
        deserialize_i128 => visit_i128,
        deserialize_u8 => visit_u8,
        deserialize_u16 => visit_u16,
        deserialize_u32 => visit_u32,
        deserialize_u64 => visit_u64,
        deserialize_u128 => visit_u128,
        deserialize_f32 => visit_f32,
        deserialize_f64 => visit_f64,
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParameterError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ParameterError> {
        let text: CowStrDeserializer<'de, ParameterError> =
            Cow::Borrowed(self.0).into_deserializer();
        visitor.visit_enum(text)
    }

    serde::forward_to_deserialize_any! {
        char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

impl<'de> de::Deserializer<'de> for Text<'de, '_> {
    type Error = ParameterError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        match self.0 {
            Raw::Scalar(text) => visitor.visit_borrowed_str(text),
            Raw::List(items) => {
                let items = items.iter().map(|item| Item(item));
                visitor.visit_seq(SeqDeserializer::new(items))
            }
            Raw::Object(fields) => {
                let fields = fields.iter().map(|(key, value)| (Item(key), Item(value)));
                visitor.visit_map(MapDeserializer::new(fields))
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ParameterError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_bool(visitor))
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_i64(visitor))
    }

    // Every other scalar goes through `Item`, which knows them all.
    serde::forward_to_deserialize_any! {
        str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_i8(visitor))
    }
    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_i16(visitor))
    }
    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_i32(visitor))
    }
    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_i128(visitor))
    }
    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_u8(visitor))
    }
    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_u16(visitor))
    }
    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_u32(visitor))
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_u64(visitor))
    }
    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_u128(visitor))
    }
    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_f32(visitor))
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_f64(visitor))
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| item.deserialize_char(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ParameterError> {
        self.scalar(visitor, |item, visitor| {
            item.deserialize_enum(name, variants, visitor)
        })
    }
}

impl<'de> Text<'de, '_> {
    /// A scalar asked of one value; a list or object is the wrong type for it.
    fn scalar<V: Visitor<'de>>(
        self,
        visitor: V,
        read: impl FnOnce(Item<'de>, V) -> Result<V::Value, ParameterError>,
    ) -> Result<V::Value, ParameterError> {
        match self.0 {
            Raw::Scalar(text) => read(Item(text), visitor),
            Raw::List(_) => Err(de::Error::invalid_type(Unexpected::Seq, &visitor)),
            Raw::Object(_) => Err(de::Error::invalid_type(Unexpected::Map, &visitor)),
        }
    }
}
