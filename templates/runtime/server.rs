//! Request parsing, validation and replies shared by every API's server.

use std::borrow::Cow;
use std::sync::Arc;

use axum::body::{Bytes, HttpBody};
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;

use crate::runtime::params::{Raw, decode_query, read_raw};
pub use crate::runtime::reply::{
    Body, reply_body, reply_bytes, reply_empty, reply_json, reply_text, with_header,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What a handler reads from a request, taken apart once. Nothing is copied out of the
/// request: parameters are found and decoded when an operation reads them, and only text
/// that percent-decoding changes is allocated.
pub struct Incoming {
    path: Option<RawPathParams>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for Incoming {
    type Rejection = Response;
    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let path = RawPathParams::from_request_parts(&mut parts, state)
            .await
            .ok();
        // The body reader needs the extensions (the body limit), not the URI or headers, so
        // those are moved out rather than copied.
        let uri = std::mem::take(&mut parts.uri);
        let headers = std::mem::take(&mut parts.headers);
        // A request without a body (most `GET`s) has nothing to collect.
        let body = if HttpBody::is_end_stream(&body) {
            Bytes::new()
        } else {
            let request = Request::from_parts(parts, body);
            match Bytes::from_request(request, state).await {
                Ok(body) => body,
                Err(rejection) => return Err(rejection.into_response()),
            }
        };
        let incoming = Incoming {
            path,
            uri,
            headers,
            body,
        };
        Ok(incoming)
    }
}

impl Incoming {
    /// A path parameter.
    pub fn path<T: DeserializeOwned>(&self, name: &str) -> Result<T, Rejection> {
        let raw = self
            .path_text(name)
            .map(|value| Raw::Scalar(Cow::Borrowed(value)));
        convert(raw, "path", name)
    }

    /// A path parameter holding a comma-separated list (`simple` style).
    pub fn path_list<T: DeserializeOwned>(&self, name: &str) -> Result<T, Rejection> {
        let raw = self.path_text(name).map(|value| split_on(&[value], ','));
        convert(raw, "path", name)
    }

    /// A path parameter in the `label` (`.a.b`, `.a,b`) or `matrix` (`;name=a;name=b`,
    /// `;name=a,b`) style.
    pub fn path_styled<T: DeserializeOwned>(
        &self,
        name: &str,
        label: bool,
        list: bool,
        explode: bool,
    ) -> Result<T, Rejection> {
        let Some(value) = self.path_text(name) else {
            return convert(None, "path", name);
        };
        let key = format!(";{name}=");
        let text = if label {
            value.strip_prefix('.').unwrap_or(value)
        } else {
            value.strip_prefix(&key).unwrap_or(value)
        };
        let separator = match (label, explode) {
            (true, true) => ".".to_owned(),
            (false, true) => key,
            _ => ",".to_owned(),
        };
        let raw = if list {
            let items = text.split(separator.as_str()).map(Cow::Borrowed);
            Raw::List(items.collect())
        } else {
            Raw::Scalar(Cow::Borrowed(text))
        };
        convert(Some(raw), "path", name)
    }

    /// A query parameter holding one value; with the key repeated, the first counts.
    pub fn query<T: DeserializeOwned>(&self, name: &str) -> Result<T, Rejection> {
        let raw = self.query_values(name).next().map(Raw::Scalar);
        convert(raw, "query", name)
    }

    /// A query parameter holding a list: repeated keys (`explode: true`), or values joined
    /// by `delimiter` (`explode: false`), of which repeated keys are accepted too.
    pub fn query_list<T: DeserializeOwned>(
        &self,
        name: &str,
        delimiter: char,
        explode: bool,
    ) -> Result<T, Rejection> {
        let values: Vec<Cow<'_, str>> = self.query_values(name).collect();
        let raw = if values.is_empty() {
            None
        } else if explode {
            Some(Raw::List(values))
        } else {
            // Split what is borrowed without copying; only decoded values are copied.
            let mut items = Vec::new();
            for value in values.into_iter().filter(|value| !value.is_empty()) {
                match value {
                    Cow::Borrowed(text) => {
                        let parts = text.split(delimiter).map(|item| Cow::Borrowed(item.trim()));
                        items.extend(parts);
                    }
                    Cow::Owned(text) => {
                        let parts = text.split(delimiter).map(|item| item.trim().to_owned());
                        items.extend(parts.map(Cow::Owned));
                    }
                }
            }
            Some(Raw::List(items))
        };
        convert(raw, "query", name)
    }

    /// An object query parameter in the `deepObject` style: `name[field]=value`.
    pub fn query_deep<T: DeserializeOwned>(&self, name: &str) -> Result<T, Rejection> {
        let mut fields = Vec::new();
        for (key, value) in self.query_pairs() {
            let field = key
                .strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('['))
                .and_then(|rest| rest.strip_suffix(']'));
            if let Some(field) = field {
                fields.push((Cow::Owned(field.to_owned()), value));
            }
        }
        let raw = (!fields.is_empty()).then_some(Raw::Object(fields));
        convert(raw, "query", name)
    }

    /// A header parameter.
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<T, Rejection> {
        let value = self.header_text(name);
        let raw = value.map(|value| Raw::Scalar(Cow::Borrowed(value)));
        convert(raw, "header", name)
    }

    /// A header parameter holding a comma-separated list.
    pub fn header_list<T: DeserializeOwned>(&self, name: &str) -> Result<T, Rejection> {
        let raw = self.header_text(name).map(|value| split_on(&[value], ','));
        convert(raw, "header", name)
    }

    /// A cookie parameter.
    pub fn cookie<T: DeserializeOwned>(&self, name: &str) -> Result<T, Rejection> {
        let raw = self.cookie_text(name).map(Raw::Scalar);
        convert(raw, "cookie", name)
    }

    /// A parameter declared with an `application/json` `content`, sent as JSON text in the
    /// `location` (`path`, `query`, `header` or `cookie`).
    pub fn json_param<T: DeserializeOwned>(
        &self,
        location: &'static str,
        name: &str,
    ) -> Result<T, Rejection> {
        let text = match location {
            "path" => self.path_text(name).map(Cow::Borrowed),
            "query" => self.query_values(name).next(),
            "header" => self.header_text(name).map(Cow::Borrowed),
            _ => self.cookie_text(name),
        };
        let Some(text) = text else {
            let absent = serde_json::from_value(Value::Null);
            let error = "missing required parameter".to_owned();
            return absent.map_err(|_| bad_request(error, location, name));
        };
        serde_json::from_str(&text).map_err(|error| {
            let error = format!("invalid JSON: {error}");
            bad_request(error, location, name)
        })
    }

    fn path_text(&self, name: &str) -> Option<&str> {
        let mut params = self.path.iter().flat_map(|params| params.iter());
        params.find(|(key, _)| *key == name).map(|(_, value)| value)
    }

    /// The query's pairs in order, decoded (`+` is a space, as HTML forms send it).
    fn query_pairs(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
        let query = self.uri.query().unwrap_or_default();
        let pairs = query.split('&').filter(|pair| !pair.is_empty());
        pairs.map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_query(key), decode_query(value))
        })
    }

    /// The values of the query key `name`, in order.
    fn query_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Cow<'a, str>> + 'a {
        let query = self.uri.query().unwrap_or_default();
        let pairs = query.split('&').filter(|pair| !pair.is_empty());
        pairs.filter_map(move |pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_query(key) == name).then(|| decode_query(value))
        })
    }

    fn cookie_text(&self, name: &str) -> Option<Cow<'_, str>> {
        let cookies = self.header_text("cookie")?;
        let mut pairs = cookies
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='));
        let (_, value) = pairs.find(|(key, _)| *key == name)?;
        Some(percent_decode_str(value).decode_utf8_lossy())
    }

    fn header_text(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// A JSON body in one of `media_types`, as `T`; an optional body left out is read as
    /// `null` (so `T` is an `Option`).
    pub fn json_body<T: DeserializeOwned>(
        &self,
        media_types: &[&str],
        required: bool,
    ) -> Result<T, Rejection> {
        if !self.has_body(media_types, required)? {
            let absent = serde_json::from_value(serde_json::Value::Null);
            let error = "a request body is required".to_owned();
            return absent.map_err(|_| bad_request(error, "body", ""));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        match serde_path_to_error::deserialize(&mut deserializer) {
            Ok(body) => Ok(body),
            Err(error) => {
                let path = error.path().to_string();
                let field = match path.as_str() {
                    "." | "?" => "",
                    field => field,
                };
                let message = format!("invalid body: {}", error.inner());
                Err(bad_request(message, "body", field))
            }
        }
    }

    /// A text body in one of `media_types`.
    pub fn text_body(
        &self,
        media_types: &[&str],
        required: bool,
    ) -> Result<Option<String>, Rejection> {
        if !self.has_body(media_types, required)? {
            return Ok(None);
        }
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(Some(text)),
            Err(_) => {
                let error = "the body is not UTF-8 text".to_owned();
                Err(bad_request(error, "body", ""))
            }
        }
    }

    /// A body of raw bytes in one of `media_types`.
    pub fn bytes_body(
        &self,
        media_types: &[&str],
        required: bool,
    ) -> Result<Option<Vec<u8>>, Rejection> {
        if !self.has_body(media_types, required)? {
            return Ok(None);
        }
        Ok(Some(self.body.to_vec()))
    }

    /// The raw body in one of `media_types`, for the form readers.
    pub fn raw_body(
        &self,
        media_types: &[&str],
        required: bool,
    ) -> Result<Option<&[u8]>, Rejection> {
        Ok(self
            .has_body(media_types, required)?
            .then_some(&self.body[..]))
    }

    /// The media type the body is in, lowercased and without parameters (`application/json`).
    pub fn media_essence(&self) -> String {
        let essence = self.content_type().split(';').next().unwrap_or_default();
        essence.trim().to_ascii_lowercase()
    }

    /// The request's `Content-Type`, or `""`.
    pub fn content_type(&self) -> &str {
        self.header_text(CONTENT_TYPE.as_str()).unwrap_or_default()
    }

    /// Whether there is a body to read: 415 for a media type the operation does not take,
    /// 400 for a required body left out.
    fn has_body(&self, media_types: &[&str], required: bool) -> Result<bool, Rejection> {
        if self.body.is_empty() && self.headers.get(CONTENT_TYPE).is_none() {
            if required {
                let error = "a request body is required".to_owned();
                return Err(bad_request(error, "body", ""));
            }
            return Ok(false);
        }
        let sent = self.header_text(CONTENT_TYPE.as_str()).unwrap_or_default();
        let essence = sent.split(';').next().unwrap_or_default().trim();
        let known = media_types.iter().any(|m| m.eq_ignore_ascii_case(essence));
        if !known {
            return Err(Rejection {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                error: format!("expected {}, got `{sent}`", media_types.join(" or ")),
                location: Some("header"),
                name: Some("Content-Type".to_owned()),
                details: None,
            });
        }
        Ok(true)
    }

    /// An API key sent in a header, kept in the header's own bytes.
    pub fn api_key_header(&self, name: &str) -> Option<Secret> {
        let value = self.headers.get(name)?;
        let length = value.to_str().ok()?.len();
        Some(Secret::in_header(value, 0..length))
    }

    /// An API key sent in the query.
    pub fn api_key_query(&self, name: &str) -> Option<Secret> {
        let value = self.query_values(name).next()?;
        Some(Secret::decoded(value.into_owned()))
    }

    /// An API key sent as a cookie.
    pub fn api_key_cookie(&self, name: &str) -> Option<Secret> {
        let value = self.cookie_text(name)?;
        Some(Secret::decoded(value.into_owned()))
    }

    /// The credentials of an `Authorization: <scheme> <credentials>` header, kept in the
    /// header's own bytes.
    pub fn authorization(&self, scheme: &str) -> Option<Secret> {
        let header = self.headers.get(AUTHORIZATION)?;
        let value = header.to_str().ok()?;
        let (sent_scheme, credentials) = value.split_once(' ')?;
        if !sent_scheme.eq_ignore_ascii_case(scheme) {
            return None;
        }
        let trimmed = credentials.trim();
        let start =
            value.len() - credentials.len() + (credentials.len() - credentials.trim_start().len());
        Some(Secret::in_header(header, start..start + trimmed.len()))
    }
}

/// A credential as the request sent it. One read from a header shares the header's bytes
/// (a reference count, no copy), so credentials an implementation never looks at cost
/// nothing; it derefs to the text. `Debug` never shows the value.
#[derive(Clone)]
pub struct Secret(SecretText);

#[derive(Clone)]
enum SecretText {
    /// A range of a header's value (checked to be visible ASCII when read).
    Header(HeaderValue, std::ops::Range<usize>),
    /// Text that had to be percent-decoded (query and cookie keys).
    Decoded(String),
}

impl Secret {
    fn in_header(value: &HeaderValue, range: std::ops::Range<usize>) -> Self {
        Secret(SecretText::Header(value.clone(), range))
    }

    fn decoded(text: String) -> Self {
        Secret(SecretText::Decoded(text))
    }

    /// The credential's text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            SecretText::Header(value, range) => {
                let bytes = value.as_bytes().get(range.clone()).unwrap_or_default();
                std::str::from_utf8(bytes).unwrap_or_default()
            }
            SecretText::Decoded(text) => text,
        }
    }
}

impl std::ops::Deref for Secret {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Secret {}

impl PartialEq<str> for Secret {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Secret {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Secret::decoded(text.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// An operation's request: its parameters and body, read from `Incoming` and checked
/// against the spec.
pub trait FromIncoming: Sized {
    /// The request, or why it is refused (`400`, or `415` for a media type the operation
    /// does not take).
    fn read(incoming: &Incoming) -> Result<Self, Rejection>;
}

/// The credentials an API's security schemes define, read from every request. An API
/// without security schemes uses `()`, which holds none.
pub trait CredentialSet: Sized {
    /// The credentials `incoming` carries, each read by its scheme's rules.
    fn read(incoming: &Incoming) -> Self;

    /// Whether the credentials of `scheme` (named as in the spec) were sent.
    fn has(&self, scheme: &str) -> bool;
}

impl CredentialSet for () {
    fn read(_incoming: &Incoming) -> Self {}

    fn has(&self, _scheme: &str) -> bool {
        false
    }
}

/// One call of an API: the implementation, from the router's state, and the request,
/// taken apart. Every operation's handler receives one and [`serve`](Call::serve)s it.
pub struct Call<A> {
    api: Arc<A>,
    incoming: Incoming,
}

impl<A: Send + Sync> FromRequest<Arc<A>> for Call<A> {
    type Rejection = Response;
    async fn from_request(request: Request, state: &Arc<A>) -> Result<Self, Response> {
        let incoming = Incoming::from_request(request, state).await?;
        let api = Arc::clone(state);
        Ok(Call { api, incoming })
    }
}

impl<A> Call<A> {
    /// Serves one operation: `401` unless the request carries one of the `alternatives`
    /// (each a list of schemes whose credentials must all be sent; no alternatives means no
    /// credentials are needed), then the rejection if the request does not read, and
    /// otherwise the reply of `operation` (an `Api` method), given the request and the
    /// credentials.
    pub async fn serve<'a, C, R, F>(
        &'a self,
        alternatives: &[&[&str]],
        operation: impl FnOnce(&'a A, R, C) -> F,
    ) -> Response
    where
        C: CredentialSet,
        R: FromIncoming,
        F: Future<Output: IntoResponse>,
    {
        let credentials = C::read(&self.incoming);
        if !allowed(&credentials, alternatives) {
            return Rejection::unauthorized().into_response();
        }
        match R::read(&self.incoming) {
            Ok(request) => operation(&self.api, request, credentials)
                .await
                .into_response(),
            Err(rejection) => rejection.into_response(),
        }
    }
}

/// Whether `credentials` satisfy one of the `alternatives`, or there are none.
fn allowed(credentials: &impl CredentialSet, alternatives: &[&[&str]]) -> bool {
    let satisfied = |schemes: &&[&str]| schemes.iter().all(|scheme| credentials.has(scheme));
    alternatives.is_empty() || alternatives.iter().any(satisfied)
}

/// Why a request was refused before it reached the implementation. It is sent as JSON:
/// `{"status": 400, "error": "…", "in": "query", "name": "page"}`.
#[derive(Debug)]
pub struct Rejection {
    status: StatusCode,
    error: String,
    location: Option<&'static str>,
    name: Option<String>,
    /// The broken constraints, one object each, when there are several things to say.
    details: Option<Vec<Value>>,
}

impl Rejection {
    /// `401 Unauthorized`: no security alternative of the operation is satisfied.
    pub fn unauthorized() -> Self {
        Rejection {
            status: StatusCode::UNAUTHORIZED,
            error: "credentials are required".to_owned(),
            location: None,
            name: None,
            details: None,
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({
            "status": self.status.as_u16(),
            "error": self.error,
            "in": self.location,
            "name": self.name,
        });
        if let (Some(details), Value::Object(object)) = (self.details, &mut body) {
            object.insert("violations".to_owned(), Value::Array(details));
        }
        let mut response = (self.status, body.to_string()).into_response();
        let json = HeaderValue::from_static("application/json");
        response.headers_mut().insert(CONTENT_TYPE, json);
        response
    }
}

/// `501 Not Implemented`, what every operation answers until it is implemented (in its reply's
/// `Undocumented` variant).
pub fn not_implemented() -> Response {
    let error = Rejection {
        status: StatusCode::NOT_IMPLEMENTED,
        error: "this operation is not implemented".to_owned(),
        location: None,
        name: None,
        details: None,
    };
    error.into_response()
}

/// What `Debug` shows of a credential: whether it is set, never its value.
pub fn redacted<T>(secret: &Option<T>) -> Option<&'static str> {
    secret.as_ref().map(|_| "<redacted>")
}

/// Finds values outside a spec's enums: the models keep unknown values (`Other`) so a
/// client can read what a newer server sends, but a server must refuse them.
pub trait Known {
    /// Where the first unknown value is: `""` for the value itself, else a path
    /// such as `items.2.kind`.
    fn unknown(&self) -> Option<String>;
}

impl<T: Known> Known for Option<T> {
    fn unknown(&self) -> Option<String> {
        self.as_ref()?.unknown()
    }
}

impl<T: Known> Known for Box<T> {
    fn unknown(&self) -> Option<String> {
        T::unknown(self)
    }
}

impl<T: Known> Known for Vec<T> {
    fn unknown(&self) -> Option<String> {
        for (index, item) in self.iter().enumerate() {
            if let Some(path) = item.unknown() {
                return Some(within(&index.to_string(), path));
            }
        }
        None
    }
}

impl<T: Known> Known for std::collections::BTreeMap<String, T> {
    fn unknown(&self) -> Option<String> {
        for (key, value) in self {
            if let Some(path) = value.unknown() {
                return Some(within(key, path));
            }
        }
        None
    }
}

/// `path` inside `field` (`field.path`, or `field` for the field itself).
pub fn within(field: &str, path: String) -> String {
    match (field.is_empty(), path.is_empty()) {
        (true, _) => path,
        (false, true) => field.to_owned(),
        (false, false) => format!("{field}.{path}"),
    }
}

/// `400` for a parameter or body holding a value outside its enum.
pub fn known(value: &impl Known, location: &'static str, name: &str) -> Result<(), Rejection> {
    let Some(path) = value.unknown() else {
        return Ok(());
    };
    let error = "a value is not one the spec lists".to_owned();
    let name = within(name, path);
    Err(Rejection {
        status: StatusCode::BAD_REQUEST,
        error,
        location: Some(location),
        name: (!name.is_empty()).then_some(name),
        details: None,
    })
}

/// What a URI may hold besides letters and digits (RFC 3986's unreserved and reserved
/// characters, and `%` for percent-encoding).
const URI_CHARACTERS: &str = "-._~:/?#[]@!$&'()*+,;=%";

/// `400` unless `value` is an absolute URI (RFC 3986): a scheme, `:`, and only the
/// characters a URI may hold, the rest percent-encoded.
pub fn check_uri(value: Option<&str>, location: &'static str, name: &str) -> Result<(), Rejection> {
    let Some(text) = value else {
        return Ok(());
    };
    let allowed = |c: char| c.is_ascii_alphanumeric() || URI_CHARACTERS.contains(c);
    let valid = match text.split_once(':') {
        Some((scheme, rest)) => {
            let first = scheme.starts_with(|c: char| c.is_ascii_alphabetic());
            let scheme_chars = |c: char| c.is_ascii_alphanumeric() || "+-.".contains(c);
            first && scheme.chars().all(scheme_chars) && rest.chars().all(allowed)
        }
        None => false,
    };
    if valid {
        return Ok(());
    }
    let error = "the value is not a URI".to_owned();
    Err(bad_request(error, location, name))
}

/// The items of delimited values, trimmed; an empty value (`o=`) is an empty list.
fn split_on<'a>(values: &[&'a str], delimiter: char) -> Raw<'a> {
    let values = values.iter().filter(|value| !value.is_empty());
    let items = values.flat_map(|value| value.split(delimiter));
    Raw::List(items.map(|item| Cow::Borrowed(item.trim())).collect())
}

/// A 400 naming where the problem is: `location` (`query`, `body`, …) and the parameter or
/// field `name` (none when empty).
pub fn bad_request(error: String, location: &'static str, name: &str) -> Rejection {
    Rejection {
        status: StatusCode::BAD_REQUEST,
        error,
        location: Some(location),
        name: (!name.is_empty()).then(|| name.to_owned()),
        details: None,
    }
}

/// A 400 for broken constraints: the first one's place, and `violations`, one JSON object
/// each (`{"in", "name", "pointer", "constraint", "limit"}`).
pub fn invalid(
    error: String,
    location: &'static str,
    name: &str,
    violations: Vec<Value>,
) -> Rejection {
    Rejection {
        details: Some(violations),
        ..bad_request(error, location, name)
    }
}

/// Reads a parameter into its type, or a `400` naming it.
fn convert<T: DeserializeOwned>(
    raw: Option<Raw<'_>>,
    location: &'static str,
    name: &str,
) -> Result<T, Rejection> {
    read_raw(raw).map_err(|error| bad_request(error, location, name))
}
