//! Requests, responses and errors shared by every API's client.

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{ACCEPT, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;

/// How many bytes of a response body a client reads unless told otherwise.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// A response with a status the spec documents, its declared headers parsed and its body
/// decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T, H = ()> {
    /// The status code.
    pub status: StatusCode,
    /// The headers the spec declares for this response, parsed.
    pub headers: H,
    /// Every header as received.
    pub header_map: HeaderMap,
    /// The decoded body.
    pub body: T,
}

/// A response as received, its body not decoded: errors keep it so that nothing the server
/// said is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The status code.
    pub status: StatusCode,
    /// Every header as received.
    pub header_map: HeaderMap,
    /// The body's bytes, as the transport handed them over (not copied when they came in one
    /// piece).
    pub body: Bytes,
}

/// Why a call failed. `E` is the operation's enum of documented error responses.
#[derive(Debug)]
pub enum Error<E = std::convert::Infallible> {
    /// The server answered with an error status the spec documents for the operation.
    Documented {
        /// The status code.
        status: StatusCode,
        /// The operation's variant for that status, with the decoded response.
        error: E,
    },
    /// The arguments cannot be sent as the spec requires, for example a header value with
    /// a line break, or a path parameter that is empty, `.` or `..`.
    InvalidRequest(String),
    /// The exchange failed in transit: no connection, a timeout, a body cut short.
    Transport {
        /// What reqwest reported.
        source: reqwest::Error,
        /// The status, headers and body bytes received before the failure, if any.
        partial: Option<Box<RawResponse>>,
    },
    /// A status the spec does not document for the operation.
    UnexpectedStatus(Box<RawResponse>),
    /// A documented status whose headers or body do not match the spec.
    InvalidResponse {
        /// What does not match.
        reason: String,
        /// The response as received.
        response: Box<RawResponse>,
    },
    /// The body is longer than the client's limit; reading stopped there.
    BodyTooLarge {
        /// The status code.
        status: StatusCode,
        /// Every header as received.
        header_map: Box<HeaderMap>,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A paginated list's `Link` header names a next page that cannot be followed.
    Pagination(String),
}

/// What an operation method returns: a future of the decoded response or the operation's
/// [`Error`]; `.await` it. The request is built when the method is called and sent when the
/// future is first polled.
pub trait Call<T, E = std::convert::Infallible>: Future<Output = Result<T, Error<E>>> {}

impl<F, T, E> Call<T, E> for F where F: Future<Output = Result<T, Error<E>>> {}

/// Why a request got no complete response, as [`Request::send`] reports it; `?` turns it into
/// the operation's [`Error`]. It is not generic, so the future `send` returns is one type for
/// every operation: each operation's `async fn` costs the compiler far less to check than if
/// it awaited a future of its own error type.
#[derive(Debug)]
pub struct Failure(Error);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl<E> From<Failure> for Error<E> {
    fn from(failure: Failure) -> Self {
        match failure.0 {
            Error::Documented { error, .. } => match error {},
            Error::InvalidRequest(problem) => Error::InvalidRequest(problem),
            Error::Transport { source, partial } => Error::Transport { source, partial },
            Error::UnexpectedStatus(response) => Error::UnexpectedStatus(response),
            Error::InvalidResponse { reason, response } => {
                Error::InvalidResponse { reason, response }
            }
            Error::BodyTooLarge {
                status,
                header_map,
                limit,
            } => Error::BodyTooLarge {
                status,
                header_map,
                limit,
            },
            Error::Pagination(problem) => Error::Pagination(problem),
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Documented { status, .. } => write!(f, "documented error response {status}"),
            Error::InvalidRequest(reason) => write!(f, "invalid request: {reason}"),
            Error::Transport { source, .. } => write!(f, "transport failure: {source}"),
            Error::UnexpectedStatus(response) => {
                let status = response.status;
                write!(f, "status {status}, which the spec does not document here")
            }
            Error::InvalidResponse { reason, response } => {
                let status = response.status;
                write!(f, "the {status} response does not match the spec: {reason}")
            }
            Error::BodyTooLarge { status, limit, .. } => {
                let status = *status;
                write!(f, "the {status} response body is over {limit} bytes")
            }
            Error::Pagination(reason) => write!(f, "cannot follow the pages: {reason}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Why a client could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError(String);

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BuildError {}

/// The connection pool, base URL and body limit behind a client.
#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    /// Scheme, host and path prefix, without a trailing slash.
    base_url: String,
    body_limit: usize,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A transport over `http`, or over a new reqwest client when `http` is `None`.
    pub fn new(base_url: &str, http: Option<reqwest::Client>) -> Result<Self, BuildError> {
        let invalid = |reason: &str| {
            let message = format!("base URL `{base_url}` {reason}");
            BuildError(message)
        };
        let Ok(parsed) = Url::parse(base_url) else {
            return Err(invalid("is not a URL"));
        };
        if !matches!(parsed.scheme(), "http" | "https") || parsed.cannot_be_a_base() {
            return Err(invalid("is not an http or https URL"));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid("has a query or fragment"));
        }
        let http = match http {
            Some(http) => http,
            None => {
                let built = reqwest::Client::builder().build();
                built.map_err(|error| BuildError(error.to_string()))?
            }
        };
        let base_url = parsed.as_str().trim_end_matches('/').to_owned();
        let body_limit = DEFAULT_BODY_LIMIT;
        Ok(Transport {
            http,
            base_url,
            body_limit,
        })
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sets how many bytes of a response body are read before giving up.
    pub fn set_body_limit(&mut self, bytes: usize) {
        self.body_limit = bytes;
    }

    /// Starts a request to `path`, a path template whose `{name}`s the path methods fill.
    pub fn request(&self, method: Method, path: &str) -> Request<'_> {
        Request {
            transport: self,
            method,
            path: path.to_owned(),
            query: String::new(),
            cookies: String::new(),
            headers: HeaderMap::new(),
            basic: None,
            body: None,
            problem: None,
        }
    }
}

/// Reads the body chunk by chunk, stopping as soon as it passes `limit`.
async fn read(mut response: reqwest::Response, limit: usize) -> Result<RawResponse, Error> {
    let status = response.status();
    // The headers are moved out, not copied: reading the body does not need them.
    let header_map = Box::new(std::mem::take(response.headers_mut()));
    let too_large = |header_map| Error::BodyTooLarge {
        status,
        header_map,
        limit,
    };
    let announced = response.content_length().unwrap_or_default();
    if announced > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(too_large(header_map));
    }
    // A body that arrives in one chunk is kept as it is; one in several is joined into a
    // buffer of the announced length, reserved at once so it is not regrown chunk by chunk.
    let reserved = usize::try_from(announced).unwrap_or_default().min(limit);
    let mut first: Option<Bytes> = None;
    let mut joined = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let received = first.as_ref().map_or(joined.len(), Bytes::len);
                if received.saturating_add(chunk.len()) > limit {
                    return Err(too_large(header_map));
                }
                match first.take() {
                    None if joined.is_empty() => first = Some(chunk),
                    Some(earlier) => {
                        joined.reserve(reserved.max(earlier.len() + chunk.len()));
                        joined.extend_from_slice(&earlier);
                        joined.extend_from_slice(&chunk);
                    }
                    None => joined.extend_from_slice(&chunk),
                }
            }
            Ok(None) => {
                let header_map = *header_map;
                return Ok(RawResponse {
                    status,
                    header_map,
                    body: first.unwrap_or_else(|| Bytes::from(joined)),
                });
            }
            Err(source) => {
                let header_map = *header_map;
                let partial = Box::new(RawResponse {
                    status,
                    header_map,
                    body: first.unwrap_or_else(|| Bytes::from(joined)),
                });
                return Err(Error::Transport {
                    source,
                    partial: Some(partial),
                });
            }
        }
    }
}

/// Whether a list or object parameter is spread out (the spec's `explode`): `Yes` sends
/// repeated keys (`id=1&id=2`) or `key=value` pairs, `No` one comma-separated value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Explode {
    /// `explode: true`.
    Yes,
    /// `explode: false`.
    No,
}

/// A parameter declared with an `application/json` `content`: its value goes out as JSON
/// text (then percent-encoded like any other text). `None` is not sent at all.
pub struct AsJson<'a, T: ?Sized>(pub &'a T);

impl<T: Serialize + ?Sized> Serialize for AsJson<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = serde_json::to_value(self.0).map_err(serde::ser::Error::custom)?;
        if value.is_null() {
            return serializer.serialize_none();
        }
        serializer.serialize_str(&value.to_string())
    }
}

/// A credential for one security scheme. `Debug` never shows the secret.
#[derive(Clone)]
pub enum Credential {
    /// A header, sent as given (`Authorization: Bearer <token>`).
    Header(&'static str, String),
    /// A query parameter.
    Query(&'static str, String),
    /// A cookie.
    Cookie(&'static str, String),
    /// HTTP basic authentication: a user name and a password.
    Basic(String, String),
}

impl Credential {
    /// `Authorization: Bearer <token>`.
    pub fn bearer(token: &str) -> Self {
        Credential::Header("Authorization", format!("Bearer {token}"))
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Header(name, _) => write!(f, "Header({name:?}, <redacted>)"),
            Credential::Query(name, _) => write!(f, "Query({name:?}, <redacted>)"),
            Credential::Cookie(name, _) => write!(f, "Cookie({name:?}, <redacted>)"),
            Credential::Basic(username, _) => {
                write!(f, "Basic({username:?}, <redacted>)")
            }
        }
    }
}

/// A request being built. Problems are remembered and reported by `send`, so generated code
/// reads as a list of what goes where.
pub struct Request<'a> {
    transport: &'a Transport,
    method: Method,
    path: String,
    query: String,
    cookies: String,
    headers: HeaderMap,
    basic: Option<(String, String)>,
    body: Option<Vec<u8>>,
    problem: Option<String>,
}

impl Request<'_> {
    /// Sends `body` as JSON, labelled with the spec's media type.
    pub fn json(&mut self, content_type: &str, body: &impl Serialize) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body(content_type, bytes),
            Err(error) => self.fail(format!("the body is not JSON: {error}")),
        }
    }

    /// Sends `body`, an object, URL-encoded as form fields: a list as the key repeated, and
    /// anything nested in brackets (`owner[name]=x`, `items[0][id]=1`).
    pub fn form(&mut self, content_type: &str, body: &impl Serialize) {
        let entries = match serde_json::to_value(body) {
            Ok(Value::Object(entries)) => entries,
            Ok(_) => return self.fail("a form body must be an object".to_owned()),
            Err(error) => return self.fail(format!("the body cannot be encoded: {error}")),
        };
        let mut pairs = Vec::new();
        for (name, value) in entries {
            match value {
                Value::Array(items) => {
                    for (index, item) in items.into_iter().enumerate() {
                        match item {
                            Value::Array(_) | Value::Object(_) => {
                                form_pairs(format!("{name}[{index}]"), item, &mut pairs);
                            }
                            scalar => form_pairs(name.clone(), scalar, &mut pairs),
                        }
                    }
                }
                value => form_pairs(name, value, &mut pairs),
            }
        }
        self.body(content_type, pairs.join("&").into_bytes());
    }

    /// Sends a body an encoder wrote: its content type and bytes, or why it could not.
    pub fn encoded_body(&mut self, encoded: Result<(String, Vec<u8>), String>) {
        match encoded {
            Ok((content_type, bytes)) => self.body(&content_type, bytes),
            Err(error) => self.fail(format!("the body cannot be encoded: {error}")),
        }
    }

    /// Sends `bytes` as the body, labelled `content_type`.
    pub fn body(&mut self, content_type: &str, bytes: Vec<u8>) {
        self.insert_header(CONTENT_TYPE.as_str(), content_type, false);
        self.body = Some(bytes);
    }

    /// Adds a media type the operation documents to `Accept`.
    pub fn accept(&mut self, media_type: &str) {
        let existing = self.headers.get(ACCEPT);
        let existing = existing.and_then(|value| value.to_str().ok());
        let value = match existing {
            Some(existing) => format!("{existing}, {media_type}"),
            None => media_type.to_owned(),
        };
        self.insert_header(ACCEPT.as_str(), &value, false);
    }

    /// Sends the credentials of the first security alternative, in the spec's order, whose
    /// credentials are all set. With none complete, nothing is sent, and the server answers
    /// as it does to anonymous calls.
    pub fn authorize(&mut self, alternatives: &[&[&Option<Credential>]]) {
        let complete = alternatives
            .iter()
            .find(|alternative| alternative.iter().all(|credential| credential.is_some()));
        let Some(alternative) = complete else {
            return;
        };
        for credential in alternative.iter().copied().flatten() {
            match credential {
                Credential::Header(name, value) => self.insert_header(name, value, true),
                Credential::Query(name, value) => self.query(name, value, Explode::Yes),
                Credential::Cookie(name, value) => self.add_cookie(name, &encode(value)),
                Credential::Basic(username, password) => {
                    self.basic = Some((username.clone(), password.clone()));
                }
            }
        }
    }

    /// Sends the request and decodes the response with `decode`: the future every operation
    /// method returns.
    pub async fn call<T, E>(
        self,
        decode: impl FnOnce(RawResponse) -> Result<T, Error<E>>,
    ) -> Result<T, Error<E>> {
        let response = self.send().await?;
        decode(response)
    }

    /// Sends the request and reads the whole response, up to the body limit.
    pub async fn send(self) -> Result<RawResponse, Failure> {
        self.exchange().await.map_err(Failure)
    }

    async fn exchange(self) -> Result<RawResponse, Error> {
        if let Some(problem) = self.problem {
            return Err(Error::InvalidRequest(problem));
        }
        let mut url = format!("{}{}", self.transport.base_url, self.path);
        if !self.query.is_empty() {
            url.push('?');
            url.push_str(&self.query);
        }
        let url = match Url::parse(&url) {
            Ok(url) => url,
            Err(error) => {
                let problem = format!("`{url}` is not a valid URL: {error}");
                return Err(Error::InvalidRequest(problem));
            }
        };
        let mut headers = self.headers;
        if !self.cookies.is_empty() {
            let Ok(cookies) = HeaderValue::from_str(&self.cookies) else {
                let problem = "a cookie is not a valid header value".to_owned();
                return Err(Error::InvalidRequest(problem));
            };
            headers.insert(COOKIE, cookies);
        }
        let http = &self.transport.http;
        let mut request = http.request(self.method, url).headers(headers);
        if let Some((username, password)) = self.basic {
            request = request.basic_auth(username, Some(password));
        }
        if let Some(body) = self.body {
            request = request.body(body);
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(source) => {
                return Err(Error::Transport {
                    source,
                    partial: None,
                });
            }
        };
        read(response, self.transport.body_limit).await
    }

    fn insert_header(&mut self, name: &str, value: &str, sensitive: bool) {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            self.fail(format!("`{name}` is not a valid header name"));
            return;
        };
        let Ok(mut value) = HeaderValue::from_str(value) else {
            self.fail(format!("the header `{name}` has an invalid value"));
            return;
        };
        value.set_sensitive(sensitive);
        self.headers.insert(name, value);
    }

    fn add_cookie(&mut self, name: &str, value: &str) {
        if !self.cookies.is_empty() {
            self.cookies.push_str("; ");
        }
        self.cookies.push_str(&encode(name));
        self.cookies.push('=');
        self.cookies.push_str(value);
    }

    fn fail(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    /// Fills the path's `{name}` in the `simple` style.
    pub fn path(&mut self, name: &str, value: &(impl Serialize + ?Sized), explode: Explode) {
        if let Some(param) = self.param(name, value) {
            let text = simple(param, explode, encode);
            self.fill_path(name, text);
        }
    }

    /// Fills the path's `{name}` in the `label` style (`.a.b` or `.a,b`).
    pub fn path_label(&mut self, name: &str, value: &(impl Serialize + ?Sized), explode: Explode) {
        if let Some(param) = self.param(name, value) {
            let separator = match explode {
                Explode::Yes => ".",
                Explode::No => ",",
            };
            let joined = simple(param, explode, encode).replace(',', separator);
            let text = format!(".{joined}");
            self.fill_path(name, text);
        }
    }

    /// Fills the path's `{name}` in the `matrix` style (`;name=a,b` or `;name=a;name=b`).
    pub fn path_matrix(&mut self, name: &str, value: &(impl Serialize + ?Sized), explode: Explode) {
        if let Some(param) = self.param(name, value) {
            let key = encode(name);
            let mut text = String::new();
            match param {
                Param::List(items) if explode == Explode::Yes => {
                    for item in &items {
                        text.push_str(&format!(";{key}={}", encode(item)));
                    }
                }
                Param::Object(entries) if explode == Explode::Yes => {
                    for (field, value) in &entries {
                        text.push_str(&format!(";{}={}", encode(field), encode(value)));
                    }
                }
                param => text = format!(";{key}={}", simple(param, Explode::No, encode)),
            }
            self.fill_path(name, text);
        }
    }

    fn fill_path(&mut self, name: &str, text: String) {
        if matches!(text.as_str(), "" | "." | "..") {
            self.fail(format!("the path parameter `{name}` cannot be `{text}`"));
            return;
        }
        self.path = self.path.replace(&format!("{{{name}}}"), &text);
    }

    /// Adds a query parameter in the `form` style: lists and objects as repeated keys with
    /// `Explode::Yes`, else as one comma-separated value.
    pub fn query(&mut self, name: &str, value: &(impl Serialize + ?Sized), explode: Explode) {
        if let Some(param) = self.param(name, value) {
            self.add_query(name, param, ",", explode);
        }
    }

    /// Adds a query parameter in the `spaceDelimited` (`%20`) or `pipeDelimited` (`|`) style.
    pub fn query_delimited(
        &mut self,
        name: &str,
        value: &(impl Serialize + ?Sized),
        delimiter: &str,
        explode: Explode,
    ) {
        if let Some(param) = self.param(name, value) {
            self.add_query(name, param, delimiter, explode);
        }
    }

    fn add_query(&mut self, name: &str, param: Param, delimiter: &str, explode: Explode) {
        let key = encode(name);
        match param {
            Param::Scalar(value) => self.push_query(&key, &encode(&value)),
            Param::List(items) if explode == Explode::Yes => {
                for item in &items {
                    self.push_query(&key, &encode(item));
                }
            }
            Param::List(items) => {
                let encoded: Vec<String> = items.iter().map(|i| encode(i)).collect();
                self.push_query(&key, &encoded.join(delimiter));
            }
            Param::Object(entries) if explode == Explode::Yes => {
                for (field, value) in &entries {
                    self.push_query(&encode(field), &encode(value));
                }
            }
            Param::Object(entries) => {
                let pairs = entries.iter().flat_map(|(f, v)| [encode(f), encode(v)]);
                let encoded: Vec<String> = pairs.collect();
                self.push_query(&key, &encoded.join(delimiter));
            }
        }
    }

    /// Adds an object query parameter in the `deepObject` style: `name[field]=value`.
    pub fn query_deep(&mut self, name: &str, value: &(impl Serialize + ?Sized)) {
        let key = encode(name);
        match self.param(name, value) {
            Some(Param::Object(entries)) => {
                for (field, value) in &entries {
                    let field = format!("{key}[{}]", encode(field));
                    self.push_query(&field, &encode(value));
                }
            }
            Some(_) => self.fail(format!("the parameter `{name}` must be an object")),
            None => {}
        }
    }

    fn push_query(&mut self, key: &str, value: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.push_str(key);
        self.query.push('=');
        self.query.push_str(value);
    }

    /// Adds a header parameter in the `simple` style.
    pub fn header(&mut self, name: &str, value: &(impl Serialize + ?Sized), explode: Explode) {
        if let Some(param) = self.param(name, value) {
            let text = simple(param, explode, str::to_owned);
            self.insert_header(name, &text, false);
        }
    }

    /// Adds a cookie parameter in the `form` style.
    pub fn cookie(&mut self, name: &str, value: &(impl Serialize + ?Sized), explode: Explode) {
        if let Some(param) = self.param(name, value) {
            let text = simple(param, explode, encode);
            self.add_cookie(name, &text);
        }
    }

    fn param(&mut self, name: &str, value: &(impl Serialize + ?Sized)) -> Option<Param> {
        match to_param(value) {
            Ok(param) => param,
            Err(reason) => {
                self.fail(format!("the parameter `{name}` cannot be sent: {reason}"));
                None
            }
        }
    }
}

/// Bytes sent as they are in paths and queries: RFC 3986's unreserved characters.
/// Everything else is percent-encoded, so a value can never add a path segment or a
/// query parameter.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes everything but the unreserved characters.
fn encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// `key=value` pairs of a form field, percent-encoded; nested values in brackets, `null`s left
/// out.
fn form_pairs(key: String, value: Value, pairs: &mut Vec<String>) {
    let mut pending = vec![(key, value)];
    while let Some((key, value)) = pending.pop() {
        let nested: Vec<(String, Value)> = match value {
            Value::Null => continue,
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(index, item)| (format!("{key}[{index}]"), item))
                .collect(),
            Value::Object(fields) => fields
                .into_iter()
                .map(|(field, item)| (format!("{key}[{field}]"), item))
                .collect(),
            value => {
                let text = scalar(value).unwrap_or_default();
                let key = key
                    .split_inclusive(['[', ']'])
                    .map(encode_key)
                    .collect::<String>();
                pairs.push(format!("{key}={}", encode(&text)));
                continue;
            }
        };
        // Depth first, in order: the stack takes the last field first.
        pending.extend(nested.into_iter().rev());
    }
}

/// One piece of a form key ending in a bracket: the name encoded, the bracket kept.
fn encode_key(piece: &str) -> String {
    match piece.strip_suffix(['[', ']']) {
        Some(name) => format!("{}{}", encode(name), &piece[name.len()..]),
        None => encode(piece),
    }
}

/// A value in the `simple` style: lists as `a,b`, objects as `k,v` or, exploded, `k=v`.
fn simple(param: Param, explode: Explode, encode: fn(&str) -> String) -> String {
    let mut parts: Vec<String> = Vec::new();
    match param {
        Param::Scalar(value) => parts.push(encode(&value)),
        Param::List(items) => parts.extend(items.iter().map(|i| encode(i))),
        Param::Object(entries) => {
            for (field, value) in &entries {
                if explode == Explode::Yes {
                    parts.push(format!("{}={}", encode(field), encode(value)));
                } else {
                    parts.push(encode(field));
                    parts.push(encode(value));
                }
            }
        }
    }
    parts.join(",")
}

/// A parameter's value as the styles see it.
enum Param {
    Scalar(String),
    List(Vec<String>),
    Object(Vec<(String, String)>),
}

/// A value as text, a list or an object of text; `None` for `null` and for empty lists,
/// which are not sent at all.
fn to_param(value: &(impl Serialize + ?Sized)) -> Result<Option<Param>, String> {
    let value = serde_json::to_value(value).map_err(|error| error.to_string())?;
    let param = match value {
        Value::Null => return Ok(None),
        Value::Array(items) if items.is_empty() => return Ok(None),
        Value::Array(items) => {
            let items: Result<Vec<_>, _> = items.into_iter().map(scalar).collect();
            Param::List(items?)
        }
        Value::Object(entries) => {
            let mut pairs = Vec::with_capacity(entries.len());
            for (field, value) in entries {
                pairs.push((field, scalar(value)?));
            }
            Param::Object(pairs)
        }
        other => Param::Scalar(scalar(other)?),
    };
    Ok(Some(param))
}

fn scalar(value: Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Number(number) if number.is_f64() => {
            let float = number.as_f64().unwrap_or_default();
            Ok(float.to_string())
        }
        Value::Number(number) => Ok(number.to_string()),
        Value::Null => Ok(String::new()),
        Value::Array(_) | Value::Object(_) => Err("a nested value".to_owned()),
    }
}

/// Reads the headers a response declares into their struct.
pub type ReadHeaders<H> = fn(&HeaderMap) -> Result<H, String>;

impl RawResponse {
    /// The body as text, with invalid UTF-8 replaced.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The status code as a number, for matching against the documented ones.
    pub fn code(&self) -> u16 {
        self.status.as_u16()
    }

    /// Decodes a JSON body; the response must say it is JSON (`application/json` or a
    /// `+json` type).
    pub fn json<T: DeserializeOwned, H, E>(
        self,
        headers: ReadHeaders<H>,
    ) -> Result<Response<T, H>, Error<E>> {
        let content_type = self
            .header_map
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" && !essence.ends_with("+json") {
            let reason = format!("expected JSON, got content type `{content_type}`");
            return Err(Error::InvalidResponse {
                reason,
                response: Box::new(self),
            });
        }
        self.decode(headers, parse_json)
    }

    /// Decodes a text body.
    pub fn text_body<H, E>(self, headers: ReadHeaders<H>) -> Result<Response<String, H>, Error<E>> {
        self.decode(headers, parse_text)
    }

    /// Keeps the body's bytes.
    pub fn bytes<H, E>(self, headers: ReadHeaders<H>) -> Result<Response<Vec<u8>, H>, Error<E>> {
        self.decode(headers, |body| Ok(body.to_vec()))
    }

    /// Ignores the body, which the spec does not document.
    pub fn empty<H, E>(self, headers: ReadHeaders<H>) -> Result<Response<(), H>, Error<E>> {
        self.decode(headers, |_| Ok(()))
    }

    /// An undocumented status.
    pub fn unexpected<T, E>(self) -> Result<T, Error<E>> {
        Err(Error::UnexpectedStatus(Box::new(self)))
    }

    /// A status the operation does not document as a success: one of its documented errors,
    /// decoded by `E` and carrying the status, or else the reason it is none.
    pub fn error<T, E: DocumentedError>(self) -> Result<T, Error<E>> {
        let status = self.status;
        let error = E::decode(self)?;
        Err(Error::Documented { status, error })
    }

    fn decode<T, H, E>(
        self,
        headers: ReadHeaders<H>,
        body: impl FnOnce(&[u8]) -> Result<T, String>,
    ) -> Result<Response<T, H>, Error<E>> {
        let decoded = headers(&self.header_map).and_then(|h| Ok((h, body(&self.body)?)));
        let (headers, body) = match decoded {
            Ok(decoded) => decoded,
            Err(reason) => {
                return Err(Error::InvalidResponse {
                    reason,
                    response: Box::new(self),
                });
            }
        };
        Ok(Response {
            status: self.status,
            headers,
            header_map: self.header_map,
            body,
        })
    }
}

fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let parsed = serde_json::from_slice(body);
    parsed.map_err(|error| format!("the JSON body does not match the spec: {error}"))
}

fn parse_text(body: &[u8]) -> Result<String, String> {
    let text = String::from_utf8(body.to_vec());
    text.map_err(|_| "the body is not UTF-8 text".to_owned())
}

/// For responses that declare no headers.
pub fn no_headers(_: &HeaderMap) -> Result<(), String> {
    Ok(())
}

/// The documented error responses of an operation, one variant per status (or range, or
/// `default`) that the spec lists and that is not a success. Each generated error enum implements
/// it once, however many operations share the enum.
pub trait DocumentedError: Sized {
    /// Decodes `response` into the variant its status documents; a status the type does not
    /// document, or a body that does not match, is the error that says so.
    fn decode(response: RawResponse) -> Result<Self, Error<Self>>;
}

/// A decoded response, boxed: documented errors are boxed so that a call's `Result` stays small.
pub fn boxed<T, E>(decoded: Result<T, Error<E>>) -> Result<Box<T>, Error<E>> {
    decoded.map(Box::new)
}

/// A declared response header that may be absent.
pub fn header<T: DeserializeOwned>(
    header_map: &HeaderMap,
    name: &str,
) -> Result<Option<T>, String> {
    let Some(value) = header_map.get(name) else {
        return Ok(None);
    };
    let Ok(text) = value.to_str() else {
        return Err(format!("the header `{name}` is not visible ASCII"));
    };
    let as_text = serde_json::from_value(Value::String(text.to_owned()));
    match as_text.or_else(|_| serde_json::from_str(text)) {
        Ok(value) => Ok(Some(value)),
        Err(error) => Err(format!("the header `{name}` is invalid: {error}")),
    }
}

/// A declared response header that must be present.
pub fn required_header<T: DeserializeOwned>(
    header_map: &HeaderMap,
    name: &str,
) -> Result<T, String> {
    let value = header(header_map, name)?;
    value.ok_or_else(|| format!("the required header `{name}` is missing"))
}
