//! The server's form bodies, `application/x-www-form-urlencoded` and `multipart/form-data`,
//! read into the body's type through [`FormValue`]: every field arrives as text (or bytes, or
//! JSON), and is read as whatever the target type asks for, so `count=2` fills an integer and
//! `name=2` a string. Nested fields use brackets, `owner[name]=x` and `items[0][id]=1`.

use std::collections::BTreeMap;

/// Form fields nested deeper than this are refused: a key is split at its brackets, and a
/// hostile key must not build an arbitrarily deep tree.
pub const MAX_DEPTH: usize = 16;

/// A form's fields as a tree: a repeated key is a list, `a[b]=1` and `a[0]=1` nest.
#[derive(Debug, Clone, PartialEq)]
pub enum FormValue {
    /// A text field.
    Text(String),
    /// A file part, or a part that is not UTF-8 text.
    Bytes(Vec<u8>),
    /// A part sent as `application/json`.
    Json(serde_json::Value),
    /// A key given several times, in order.
    List(Vec<FormValue>),
    /// Named fields: the form itself, or `key[field]` entries.
    Map(BTreeMap<String, FormValue>),
}

impl FormValue {
    /// The fields `(key, value)` as a tree; an error when a key nests deeper than
    /// [`MAX_DEPTH`] or is used both as a value and as an object.
    pub fn from_fields(fields: Vec<(String, FormValue)>) -> Result<FormValue, String> {
        let mut root = BTreeMap::new();
        for (key, value) in fields {
            let path = key_path(&key);
            if path.len() > MAX_DEPTH {
                return Err(format!(
                    "the field `{key}` nests deeper than {MAX_DEPTH} levels"
                ));
            }
            insert(&mut root, &path, value)
                .map_err(|()| format!("the field `{key}` is both a value and an object"))?;
        }
        Ok(FormValue::Map(root))
    }

    /// A list of one item read as that item: `a=1` where one value is expected.
    fn single(self) -> FormValue {
        match self {
            FormValue::List(mut items) if items.len() == 1 => items.remove(0),
            other => other,
        }
    }
}

/// `a[b][0]` as `["a", "b", "0"]`; a trailing `[]` (`tags[]=x`) only marks a list.
fn key_path(key: &str) -> Vec<&str> {
    let (first, mut rest) = match key.find('[') {
        Some(at) if key.ends_with(']') && at > 0 => (&key[..at], &key[at..]),
        _ => return vec![key],
    };
    let mut path = vec![first];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(end) = inner.find(']') else {
            return vec![key];
        };
        if !inner[..end].is_empty() {
            path.push(&inner[..end]);
        }
        rest = &inner[end + 1..];
    }
    if rest.is_empty() { path } else { vec![key] }
}

fn insert(
    mut node: &mut BTreeMap<String, FormValue>,
    path: &[&str],
    value: FormValue,
) -> Result<(), ()> {
    let Some((last, parents)) = path.split_last() else {
        return Ok(());
    };
    for parent in parents {
        let child = node
            .entry((*parent).to_owned())
            .or_insert_with(|| FormValue::Map(BTreeMap::new()));
        node = match child {
            FormValue::Map(children) => children,
            _ => return Err(()),
        };
    }
    match node.remove(*last) {
        None => {
            node.insert((*last).to_owned(), value);
        }
        Some(FormValue::List(mut items)) => {
            items.push(value);
            node.insert((*last).to_owned(), FormValue::List(items));
        }
        Some(FormValue::Map(_)) => return Err(()),
        Some(first) => {
            node.insert((*last).to_owned(), FormValue::List(vec![first, value]));
        }
    }
    Ok(())
}

mod read {
    use super::FormValue;
    use crate::runtime::server::{Incoming, Rejection, bad_request};
    use serde::de::DeserializeOwned;

    /// An `application/x-www-form-urlencoded` body in one of `media_types`, as `T`; an optional
    /// body left out is read as `null` (so `T` is an `Option`).
    pub fn form_body<T: DeserializeOwned>(
        incoming: &Incoming,
        media_types: &[&str],
        required: bool,
    ) -> Result<T, Rejection> {
        let Some(body) = incoming.raw_body(media_types, required)? else {
            return absent();
        };
        let text = String::from_utf8_lossy(body);
        let fields = text
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(key), FormValue::Text(decode(value)))
            })
            .collect();
        typed(fields)
    }

    /// A `multipart/form-data` body in one of `media_types`, as `T`.
    pub fn multipart_body<T: DeserializeOwned>(
        incoming: &Incoming,
        media_types: &[&str],
        required: bool,
    ) -> Result<T, Rejection> {
        let Some(body) = incoming.raw_body(media_types, required)? else {
            return absent();
        };
        let fields = super::multipart_fields(incoming.content_type(), body)
            .map_err(|error| bad_request(format!("invalid multipart body: {error}"), "body", ""))?;
        typed(fields)
    }

    fn absent<T: DeserializeOwned>() -> Result<T, Rejection> {
        let absent = serde_json::from_value(serde_json::Value::Null);
        let error = "a request body is required".to_owned();
        absent.map_err(|_| bad_request(error, "body", ""))
    }

    fn typed<T: DeserializeOwned>(fields: Vec<(String, FormValue)>) -> Result<T, Rejection> {
        let tree =
            FormValue::from_fields(fields).map_err(|error| bad_request(error, "body", ""))?;
        serde_path_to_error::deserialize(tree).map_err(|error| {
            let path = error.path().to_string();
            let field = match path.as_str() {
                "." | "?" => "",
                field => field,
            };
            bad_request(format!("invalid body: {}", error.inner()), "body", field)
        })
    }

    /// Percent-decoding, with `+` as a space as HTML forms send it.
    fn decode(text: &str) -> String {
        let spaced = text.replace('+', " ");
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8_lossy()
            .into_owned()
    }
}

pub use read::{form_body, multipart_body};

/// Reading `FormValue` into any type.
mod de {
    use super::FormValue;
    use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
    use serde::de::{self, IntoDeserializer, Unexpected, Visitor};
    use serde::forward_to_deserialize_any;

    impl<'de> IntoDeserializer<'de, Error> for FormValue {
        type Deserializer = FormValue;
        fn into_deserializer(self) -> FormValue {
            self
        }
    }

    /// Parses text as the number or boolean the target type asks for.
    macro_rules! parse_text {
        ($($method:ident => $visit:ident: $ty:ty,)*) => {$(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                match self.single() {
                    FormValue::Text(text) => match text.trim().parse::<$ty>() {
                        Ok(value) => visitor.$visit(value),
                        Err(_) => Err(de::Error::invalid_value(Unexpected::Str(&text), &visitor)),
                    },
                    FormValue::Json(value) => value.$method(visitor).map_err(de::Error::custom),
                    other => other.deserialize_any(visitor),
                }
            }
        )*};
    }

    impl<'de> de::Deserializer<'de> for FormValue {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self {
                FormValue::Text(text) => visitor.visit_string(text),
                FormValue::Bytes(bytes) => visitor.visit_byte_buf(bytes),
                FormValue::Json(value) => value.deserialize_any(visitor).map_err(de::Error::custom),
                FormValue::List(items) => {
                    visitor.visit_seq(SeqDeserializer::new(items.into_iter()))
                }
                FormValue::Map(fields) => {
                    visitor.visit_map(MapDeserializer::new(fields.into_iter()))
                }
            }
        }

        parse_text! {
            deserialize_bool => visit_bool: bool,
            deserialize_i8 => visit_i8: i8,
            deserialize_i16 => visit_i16: i16,
            deserialize_i32 => visit_i32: i32,
            deserialize_i64 => visit_i64: i64,
            deserialize_i128 => visit_i128: i128,
            deserialize_u8 => visit_u8: u8,
            deserialize_u16 => visit_u16: u16,
            deserialize_u32 => visit_u32: u32,
            deserialize_u64 => visit_u64: u64,
            deserialize_u128 => visit_u128: u128,
            deserialize_f32 => visit_f32: f32,
            deserialize_f64 => visit_f64: f64,
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self {
                FormValue::Json(value) => {
                    value.deserialize_option(visitor).map_err(de::Error::custom)
                }
                other => visitor.visit_some(other),
            }
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Error> {
            visitor.visit_newtype_struct(self)
        }

        /// A list: repeated keys, `key[0]=…&key[1]=…` in index order, or one value.
        fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let items = match self {
                FormValue::List(items) => items,
                FormValue::Json(value) => {
                    return value.deserialize_seq(visitor).map_err(de::Error::custom);
                }
                FormValue::Map(fields) => {
                    let mut indexed = Vec::with_capacity(fields.len());
                    for (key, value) in fields {
                        match key.parse::<usize>() {
                            Ok(index) => indexed.push((index, value)),
                            Err(_) => {
                                let message = format!("`{key}` is not a list index");
                                return Err(de::Error::custom(message));
                            }
                        }
                    }
                    indexed.sort_by_key(|(index, _)| *index);
                    indexed.into_iter().map(|(_, value)| value).collect()
                }
                one => vec![one],
            };
            visitor.visit_seq(SeqDeserializer::new(items.into_iter()))
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.single() {
                FormValue::Text(text) => visitor.visit_enum(text.into_deserializer()),
                FormValue::Json(value) => value
                    .deserialize_enum(name, variants, visitor)
                    .map_err(de::Error::custom),
                other => other.deserialize_any(visitor),
            }
        }

        fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_unit()
        }

        fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_unit()
        }

        fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.single().deserialize_any(visitor)
        }

        fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.single().deserialize_any(visitor)
        }

        fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.single().deserialize_any(visitor)
        }

        fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.single().deserialize_any(visitor)
        }

        forward_to_deserialize_any! {
            bytes byte_buf unit_struct tuple tuple_struct map struct
        }
    }
}

/// The fields of `body`, a `multipart/form-data` body sent with `content_type`, in order: a
/// part sent as JSON is `Json`, a file or a part that is not UTF-8 `Bytes`, any other `Text`.
pub fn multipart_fields(
    content_type: &str,
    body: &[u8],
) -> Result<Vec<(String, FormValue)>, String> {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};

    let boundary = multer::parse_boundary(content_type).map_err(|error| error.to_string())?;
    let bytes = axum::body::Bytes::copy_from_slice(body);
    let stream = futures::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    // The whole body is already in memory, so every step completes on its first poll.
    let mut context = Context::from_waker(Waker::noop());
    let mut fields = Vec::new();
    loop {
        let next = std::pin::pin!(multipart.next_field()).poll(&mut context);
        let field = match next {
            Poll::Ready(Ok(Some(field))) => field,
            Poll::Ready(Ok(None)) => break,
            Poll::Ready(Err(error)) => return Err(error.to_string()),
            Poll::Pending => return Err("the body ended early".to_owned()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field.file_name().is_some();
        let media = field
            .content_type()
            .map(|mime| mime.essence_str().to_owned());
        let bytes = match std::pin::pin!(field.bytes()).poll(&mut context) {
            Poll::Ready(Ok(bytes)) => bytes.to_vec(),
            Poll::Ready(Err(error)) => return Err(error.to_string()),
            Poll::Pending => return Err("the body ended early".to_owned()),
        };
        let value = match media.as_deref() {
            Some(media) if media == "application/json" || media.ends_with("+json") => {
                let json = serde_json::from_slice(&bytes)
                    .map_err(|error| format!("the part `{name}` is not JSON: {error}"))?;
                FormValue::Json(json)
            }
            _ if is_file => FormValue::Bytes(bytes),
            _ => match String::from_utf8(bytes) {
                Ok(text) => FormValue::Text(text),
                Err(error) => FormValue::Bytes(error.into_bytes()),
            },
        };
        fields.push((name, value));
    }
    Ok(fields)
}
