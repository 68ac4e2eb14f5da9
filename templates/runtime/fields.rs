//! What the models' `Deserialize` impls share: the keys of an object, a required property's
//! check, and skipping a property the spec does not name (or refusing it, for an object with
//! `additionalProperties: false` read by a server).

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

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

/// A required property's value, or the error naming it when the object left it out.
pub fn required<T, E: de::Error>(value: Option<T>, property: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(property))
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
