//! The generated crate's `runtime` module: helpers shared by every API, emitted only when some
//! generated code uses them, so per-type code stays small.

use proc_macro2::TokenStream;
use quote::quote;

/// Which runtime helpers the emitted code calls.
#[derive(Debug, Default, Clone, Copy)]
pub struct Needs {
    /// `nullable`, for properties that may be absent or null.
    pub nullable: bool,
}

/// The module's tokens, or `None` when nothing needs it.
pub fn runtime_file(needs: Needs) -> Option<TokenStream> {
    let nullable = needs.nullable.then(|| {
        quote! {
            /// Reads a property that may be absent or `null`, keeping the two apart: used with
            /// `#[serde(default)]`, an absent property stays `None` and `null` becomes `Some(None)`.
            pub(crate) fn nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
            where
                D: serde::Deserializer<'de>,
                T: serde::Deserialize<'de>,
            {
                <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
            }
        }
    })?;
    Some(quote! {
        #![doc = " Helpers shared by the generated modules."]
        #nullable
    })
}
