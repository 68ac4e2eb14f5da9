//! Deserializers for model properties that may be absent, used with `#[serde(default)]` and
//! `deserialize_with`.

/// Reads a property that may be absent but not `null`: used with `#[serde(default)]`, an absent
/// property is `None`, and `null` is an error rather than a silent `None`.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Reads a property that may be absent or `null`, keeping the two apart: used with
/// `#[serde(default)]`, an absent property stays `None` and `null` becomes `Some(None)`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}
