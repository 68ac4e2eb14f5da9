//! Replies: `Body`, a JSON reply body an implementation may own, share or have serialized
//! already, and the writers every reply enum calls.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

/// A JSON reply body of type `T`. The easy way is to own the value: `Reply::Ok(value.into())`.
/// A server that already holds its data need not copy it per request: it can share it
/// (`Body::from(Arc<T>)`), serialize a borrowed view of it now ([`Body::view`], e.g. a slice
/// of shared records for a `Vec<T>`), or send JSON it serialized once ([`Body::json`]).
pub struct Body<T>(Repr<T>);

enum Repr<T> {
    Owned(Box<T>),
    Shared(Arc<T>),
    Json(Bytes),
    /// A view that would not serialize; sent as a `500`.
    Unserializable(String),
}

impl<T> Body<T> {
    /// A body shared with the implementation's own data: serialized per request, never copied.
    pub fn shared(value: Arc<T>) -> Self {
        Body(Repr::Shared(value))
    }

    /// A body serialized now from anything that serializes as a `T` does, which may borrow
    /// from the implementation's data (`&records[..10]` for a `Vec<Record>`).
    pub fn view<V: Serialize + ?Sized>(value: &V) -> Self {
        match to_json(value) {
            Ok(json) => Body(Repr::Json(json)),
            Err(error) => Body(Repr::Unserializable(error.to_string())),
        }
    }

    /// JSON text of a `T` serialized before (once, for many replies), sent as it is.
    pub fn json(json: impl Into<Bytes>) -> Self {
        Body(Repr::Json(json.into()))
    }

    /// The value, when the body holds one (owned or shared) rather than its JSON.
    pub fn value(&self) -> Option<&T> {
        match &self.0 {
            Repr::Owned(value) => Some(value),
            Repr::Shared(value) => Some(value),
            Repr::Json(_) | Repr::Unserializable(_) => None,
        }
    }
}

impl<T> From<T> for Body<T> {
    fn from(value: T) -> Self {
        Body(Repr::Owned(Box::new(value)))
    }
}

impl<T> From<Box<T>> for Body<T> {
    fn from(value: Box<T>) -> Self {
        Body(Repr::Owned(value))
    }
}

impl<T> From<Arc<T>> for Body<T> {
    fn from(value: Arc<T>) -> Self {
        Body::shared(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Body<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Owned(value) => value.fmt(f),
            Repr::Shared(value) => value.fmt(f),
            Repr::Json(json) => write!(f, "<{} bytes of JSON>", json.len()),
            Repr::Unserializable(error) => write!(f, "<not JSON: {error}>"),
        }
    }
}

/// A reply of a JSON `Body` labelled with the spec's media type.
pub fn reply_body<T: Serialize>(
    status: u16,
    content_type: &'static str,
    body: Body<T>,
) -> Response {
    match body.0 {
        Repr::Owned(value) => reply_json(status, content_type, &*value),
        Repr::Shared(value) => reply_json(status, content_type, &*value),
        Repr::Json(json) => labelled(status, content_type, json),
        Repr::Unserializable(error) => unserializable(&error),
    }
}

/// A JSON reply labelled with the spec's media type.
pub fn reply_json<T: Serialize + ?Sized>(
    status: u16,
    content_type: &'static str,
    body: &T,
) -> Response {
    match to_json(body) {
        Ok(json) => labelled(status, content_type, json),
        Err(error) => unserializable(&error.to_string()),
    }
}

/// A text reply labelled with the spec's media type.
pub fn reply_text(status: u16, content_type: &'static str, body: String) -> Response {
    reply_bytes(status, content_type, body.into_bytes())
}

/// A reply of raw bytes labelled with the spec's media type.
pub fn reply_bytes(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
    labelled(status, content_type, Bytes::from(body))
}

/// A reply without a body.
pub fn reply_empty(status: u16) -> Response {
    status_code(status).into_response()
}

/// Sets a declared response header; `None` sets nothing.
pub fn with_header(mut response: Response, name: &'static str, value: &impl Serialize) -> Response {
    let text = match serde_json::to_value(value) {
        Ok(Value::Null) | Err(_) => return response,
        Ok(Value::String(text)) => text,
        Ok(other) => other.to_string(),
    };
    if let Ok(value) = HeaderValue::from_str(&text) {
        response.headers_mut().insert(name, value);
    }
    response
}

/// Past this size a thread's serialization buffer is not kept: one huge reply should not pin
/// its memory for good.
const KEPT_BUFFER: usize = 1 << 20;

thread_local! {
    /// Where replies are serialized on this thread, reused from reply to reply.
    static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// `value` as JSON, in one allocation of exactly its size: serialized into the thread's reused
/// buffer, then copied once. A fresh `Vec` would grow from 128 bytes by doubling, a
/// reallocation and a copy each time (a dozen for a 266 KB list).
fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Bytes, serde_json::Error> {
    BUFFER.with(|buffer| {
        // A `Serialize` impl that itself writes a reply would find the buffer taken.
        let Ok(mut buffer) = buffer.try_borrow_mut() else {
            return serde_json::to_vec(value).map(Bytes::from);
        };
        buffer.clear();
        let written = serde_json::to_writer(&mut *buffer, value);
        let json = written.map(|()| Bytes::copy_from_slice(&buffer));
        if buffer.capacity() > KEPT_BUFFER {
            *buffer = Vec::new();
        }
        json
    })
}

fn labelled(status: u16, content_type: &'static str, body: Bytes) -> Response {
    let mut response = (status_code(status), body).into_response();
    let content_type = HeaderValue::from_static(content_type);
    response.headers_mut().insert(CONTENT_TYPE, content_type);
    response
}

fn unserializable(error: &str) -> Response {
    let status = StatusCode::INTERNAL_SERVER_ERROR;
    (status, format!("the reply is not JSON: {error}")).into_response()
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}
