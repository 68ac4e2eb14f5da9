//! The generated crate's `runtime` module: helpers shared by every API, emitted only when some
//! generated code uses them, and then only the parts it uses, so per-type and per-operation code
//! stays small and nothing unused is compiled.

mod client;
mod pagination;
mod server;

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

/// One runtime helper that emitted code calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// `nullable`, for properties that may be absent or null.
    Nullable,
    /// `present`, for properties that may be absent but not null.
    Present,
    /// The client core: transport, requests, responses, errors.
    Client,
    /// `Request::path` (simple style).
    PathSimple,
    /// `Request::path_label`.
    PathLabel,
    /// `Request::path_matrix`.
    PathMatrix,
    /// `Request::query` (form style).
    QueryForm,
    /// `Request::query_delimited` (spaceDelimited, pipeDelimited).
    QueryDelimited,
    /// `Request::query_deep` (deepObject).
    QueryDeep,
    /// `Request::header`.
    HeaderParameter,
    /// `Request::cookie`.
    CookieParameter,
    /// `Request::json`.
    JsonBody,
    /// `Request::form`.
    FormBody,
    /// `Request::body` called directly (text and binary bodies).
    RawBody,
    /// `Request::accept`.
    Accept,
    /// `Credential::Header` and `Request::authorize`.
    CredentialHeader,
    /// `Credential::Query`.
    CredentialQuery,
    /// `Credential::Cookie`.
    CredentialCookie,
    /// `Credential::Basic`.
    CredentialBasic,
    /// `Credential::bearer`.
    Bearer,
    /// `RawResponse::json`.
    DecodeJson,
    /// `RawResponse::text`.
    DecodeText,
    /// `RawResponse::bytes`.
    DecodeBytes,
    /// `RawResponse::empty`.
    DecodeEmpty,
    /// `no_headers`.
    NoHeaders,
    /// `header` (optional response headers).
    ResponseHeader,
    /// `required_header`.
    RequiredResponseHeader,
    /// `documented`, which turns a decoded error response into `Error::Documented`.
    DocumentedError,
    /// `RawResponse::unexpected`, for operations without a `default` response.
    UnexpectedStatus,
    /// `pages`, the page walker.
    Pagination,
    /// The server core: `Incoming`, `Rejection`, `not_implemented`.
    Server,
    /// `Incoming::path`.
    ServerPath,
    /// `Incoming::path_list`.
    ServerPathList,
    /// `Incoming::path_styled` (label and matrix).
    ServerPathStyled,
    /// `Incoming::query`.
    ServerQuery,
    /// `Incoming::query_list`.
    ServerQueryList,
    /// `Incoming::query_deep`.
    ServerQueryDeep,
    /// `Incoming::header`.
    ServerHeader,
    /// `Incoming::header_list`.
    ServerHeaderList,
    /// `Incoming::cookie`.
    ServerCookie,
    /// `Incoming::json_body`.
    ServerJsonBody,
    /// `Incoming::text_body`.
    ServerTextBody,
    /// `Incoming::bytes_body`.
    ServerBytesBody,
    /// `Incoming::api_key_header`.
    ServerApiKeyHeader,
    /// `Incoming::api_key_query`.
    ServerApiKeyQuery,
    /// `Incoming::api_key_cookie`.
    ServerApiKeyCookie,
    /// `Incoming::authorization`.
    ServerAuthorization,
    /// `Rejection::unauthorized`.
    ServerUnauthorized,
    /// `redacted`, for the `Debug` of `Credentials`.
    ServerCredentials,
    /// `Known`, `known` and `within`: unknown enum values in requests.
    ServerKnown,
    /// `check_uri`, for string parameters with `format: uri`.
    ServerUri,
    /// `reply_json`.
    ReplyJson,
    /// `reply_text`.
    ReplyText,
    /// `reply_bytes` called directly.
    ReplyBytes,
    /// `reply_empty`.
    ReplyEmpty,
    /// `with_header`.
    ReplyHeader,
}

/// The runtime helpers that emitted code uses.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Needs(BTreeSet<Need>);

impl Needs {
    /// Notes that `need` is used.
    pub fn add(&mut self, need: Need) {
        self.0.insert(need);
    }

    /// Whether `need` is used.
    pub fn has(&self, need: Need) -> bool {
        self.0.contains(&need)
    }

    /// Whether any of `needs` is used.
    pub fn any(&self, needs: &[Need]) -> bool {
        needs.iter().any(|need| self.has(*need))
    }

    /// Everything either uses.
    pub fn extend(&mut self, other: &Needs) {
        self.0.extend(other.0.iter().copied());
    }
}

/// The runtime's files: `runtime.rs`, and `runtime/client.rs` and `runtime/server.rs` when a
/// client or a server uses them.
pub struct RuntimeFiles {
    /// `runtime.rs`.
    pub runtime: TokenStream,
    /// `runtime/client.rs`.
    pub client: Option<TokenStream>,
    /// `runtime/server.rs`.
    pub server: Option<TokenStream>,
}

/// The module's files, or `None` when nothing needs them.
pub fn runtime_files(needs: &Needs) -> Option<RuntimeFiles> {
    if needs.0.is_empty() {
        return None;
    }
    let present = needs.has(Need::Present).then(|| {
        quote! {
            /// Reads a property that may be absent but not `null`: used with `#[serde(default)]`,
            /// an absent property is `None`, and `null` is an error rather than a silent `None`.
            pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
            where
                D: serde::Deserializer<'de>,
                T: serde::Deserialize<'de>,
            {
                T::deserialize(deserializer).map(Some)
            }
        }
    });
    let nullable = needs.has(Need::Nullable).then(|| {
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
    });
    let client = needs
        .has(Need::Client)
        .then(|| client::client_module(needs));
    let client_module = client.is_some().then(|| {
        quote! {
            #[cfg(feature = "client")]
            pub(crate) mod client;
        }
    });
    let server = needs
        .has(Need::Server)
        .then(|| server::server_module(needs));
    let server_module = server.is_some().then(|| {
        quote! {
            #[cfg(feature = "server")]
            pub(crate) mod server;
        }
    });
    Some(RuntimeFiles {
        runtime: quote! {
            #![doc = " Helpers shared by the generated modules."]
            #client_module
            #server_module
            #present
            #nullable
        },
        client,
        server,
    })
}
