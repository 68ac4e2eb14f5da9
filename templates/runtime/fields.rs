//! What the models' `Serialize` and `Deserialize` impls share: writing an object's properties in
//! order, the keys of an object, reading a property's value, the error for a missing required
//! one, and skipping a property the spec does not name (or refusing it, for an object with
//! `additionalProperties: false` read by a server). The models call these rather than repeat
//! their bodies, so a large spec's thousands of models type-check quickly.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeStruct, Serializer};

/// An object's key, borrowed from the input when the format allows.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key's text, owned.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a property name")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key)))
    }
}

/// Reads a property's value into its slot; a key sent twice keeps its last value.
pub fn read_into<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads the value of a property the spec does not name into the model's map of such
/// properties (`additionalProperties`).
pub fn read_extra<'de, A, T>(
    map: &mut A,
    extra: &mut BTreeMap<String, T>,
    key: Key<'de>,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: Deserialize<'de>,
{
    extra.insert(key.into_string(), map.next_value()?);
    Ok(())
}

/// The error for a required property the object left out.
#[cold]
pub fn missing<E: de::Error>(property: &'static str) -> E {
    E::missing_field(property)
}

/// Reads past the value of a property the spec does not name.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

thread_local! {
    /// Whether the current read refuses keys that closed objects do not name.
    static CLOSED: Cell<bool> = const { Cell::new(false) };
    /// Whether the current write is a server's reply, which leaves `writeOnly` properties out.
    static REPLYING: Cell<bool> = const { Cell::new(false) };
}

/// While a value of it lives, the keys that an object with `additionalProperties: false` does
/// not name are refused rather than skipped: a server reading a request holds one. A client
/// reads replies leniently, so a newer server's extra property does not break it. Reading is
/// synchronous, so the flag of this thread is the read's own.
pub struct Closed {
    before: bool,
}

impl Closed {
    /// Refuses unknown keys of closed objects until the value is dropped.
    pub fn refusing() -> Closed {
        Closed {
            before: CLOSED.replace(true),
        }
    }
}

impl Drop for Closed {
    fn drop(&mut self) {
        CLOSED.set(self.before);
    }
}

/// Reads past the value of a property a closed object does not name, or refuses it inside
/// [`Closed::refusing`].
pub fn unknown<'de, A: MapAccess<'de>>(map: &mut A, key: &str) -> Result<(), A::Error> {
    if CLOSED.get() {
        let message = format!("`{key}` is not a property (additionalProperties false)");
        return Err(de::Error::custom(message));
    }
    skip(map)
}

/// While a value of it lives, `writeOnly` properties are left out of what is written: a server
/// writing a reply holds one. A client sends them in its requests. Writing is synchronous, so
/// the flag of this thread is the write's own.
pub struct Replying {
    before: bool,
}

impl Replying {
    /// Leaves `writeOnly` properties out until the value is dropped.
    pub fn start() -> Replying {
        Replying {
            before: REPLYING.replace(true),
        }
    }
}

impl Drop for Replying {
    fn drop(&mut self) {
        REPLYING.set(self.before);
    }
}

/// Whether a required `writeOnly` property is left out: in a server's reply.
pub fn replying<T>(_value: &T) -> bool {
    REPLYING.get()
}

/// Whether an optional `writeOnly` property is left out: when absent, or in a server's reply.
pub fn absent_or_replying<T>(value: &Option<T>) -> bool {
    value.is_none() || REPLYING.get()
}

/// Writes a model as an object, a property at a time, exactly as serde's derive would (the same
/// calls in the same order, a skipped property as `skip_field`), keeping the first error: each
/// model's `Serialize` is then one chain of calls rather than a branch and an early return per
/// property.
pub struct ObjectWriter<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> ObjectWriter<S> {
    /// Starts the object `name`, of which `len` properties will be written.
    pub fn start(serializer: S, name: &'static str, len: usize) -> Self {
        ObjectWriter {
            state: serializer.serialize_struct(name, len),
        }
    }

    /// Writes a property that is always sent.
    pub fn field<T: Serialize + ?Sized>(mut self, key: &'static str, value: &T) -> Self {
        if let Ok(object) = &mut self.state {
            if let Err(error) = object.serialize_field(key, value) {
                self.state = Err(error);
            }
        }
        self
    }

    /// Writes an optional property, or skips it when it is absent (`None`).
    pub fn optional<T: Serialize>(self, key: &'static str, value: &Option<T>) -> Self {
        match value {
            Some(value) => self.field(key, value),
            None => self.skip(key),
        }
    }

    /// Writes a `writeOnly` property, or skips it in a server's reply ([`Replying`]).
    pub fn write_only<T: Serialize + ?Sized>(self, key: &'static str, value: &T) -> Self {
        if REPLYING.get() {
            self.skip(key)
        } else {
            self.field(key, value)
        }
    }

    /// Writes an optional `writeOnly` property, or skips it when absent or in a server's reply.
    pub fn optional_write_only<T: Serialize>(self, key: &'static str, value: &Option<T>) -> Self {
        match value {
            Some(value) if !REPLYING.get() => self.field(key, value),
            _ => self.skip(key),
        }
    }

    fn skip(mut self, key: &'static str) -> Self {
        if let Ok(object) = &mut self.state {
            if let Err(error) = object.skip_field(key) {
                self.state = Err(error);
            }
        }
        self
    }

    /// Ends the object, or returns the first error met.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}
