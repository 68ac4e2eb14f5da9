//! Reading unions. With a `discriminator`, the member is the one the value's tag property names,
//! not the first one the value's shape fits ([`Tagged`]); without one, it is the first member,
//! in the spec's order, that reads the value ([`Untagged`]).
//!
//! A discriminated union is written as its member writes itself (the member declares the tag
//! property, so the tag goes out once, from the member). It is read by hand: the whole value is
//! read, its tag looked up with [`Tagged::read`], and the member the tag names is read from the
//! whole value again, tag included, with [`Tagged::into_member`].

use serde::Deserialize;
use serde::de::{DeserializeOwned, Error};
use serde_json::Value;

/// A value of a discriminated union, read whole, with the tag that names its member.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged {
    /// The property holding the tag (`petType`).
    property: &'static str,
    /// The tag's value (`cat`).
    tag: String,
    /// The whole value, tag included.
    value: Value,
}

impl Tagged {
    /// Reads a value and its tag, the string at `property`: an error says that the value is not
    /// an object, that it has no `property`, or that `property` is not a string.
    pub fn read<'de, D>(deserializer: D, property: &'static str) -> Result<Self, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        let value = Value::deserialize(deserializer)?;
        let Value::Object(object) = &value else {
            let message = format!(
                "expected an object with a `{property}` property naming its variant, found {}",
                kind_of(&value)
            );
            return Err(D::Error::custom(message));
        };
        let tag = match object.get(property) {
            Some(Value::String(tag)) => tag.clone(),
            Some(other) => {
                let message = format!(
                    "the `{property}` property names the variant and must be a string, found {}",
                    kind_of(other)
                );
                return Err(D::Error::custom(message));
            }
            None => {
                let message = format!("missing property `{property}`, which names the variant");
                return Err(D::Error::custom(message));
            }
        };
        Ok(Tagged {
            property,
            tag,
            value,
        })
    }

    /// The tag: the value of the property that names the member.
    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// Reads the member the tag names from the whole value, tag included (the member declares
    /// the tag property itself).
    pub fn into_member<T, E>(self) -> Result<T, E>
    where
        T: DeserializeOwned,
        E: Error,
    {
        T::deserialize(self.value).map_err(|error| {
            E::custom(format_args!(
                "`{}` is `{}`: {error}",
                self.property, self.tag
            ))
        })
    }

    /// The error for a tag that names no member, listing the tags that do.
    pub fn unknown<E: Error>(&self, expected: &[&str]) -> E {
        let expected: Vec<String> = expected.iter().map(|tag| format!("`{tag}`")).collect();
        E::custom(format_args!(
            "unknown `{}` value `{}`, expected one of {}",
            self.property,
            self.tag,
            expected.join(", ")
        ))
    }
}

/// A value of a union without a `discriminator`, read whole so that each member can try to read
/// it: what serde's `untagged` derive does, written once here rather than expanded per union.
#[derive(Debug, Clone, PartialEq)]
pub struct Untagged {
    value: Value,
}

impl Untagged {
    /// Reads a value whole.
    pub fn read<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Value::deserialize(deserializer).map(|value| Untagged { value })
    }

    /// The value as the member `T`, if `T` reads it.
    pub fn member<T: DeserializeOwned>(&self) -> Option<T> {
        T::deserialize(&self.value).ok()
    }

    /// The error for a value no member reads, in serde's words.
    pub fn unmatched<E: Error>(&self, union: &str) -> E {
        E::custom(format_args!(
            "data did not match any variant of untagged enum {union}"
        ))
    }
}

/// What kind of JSON value `value` is, for error messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
