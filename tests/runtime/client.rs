//! The client runtime: what each parameter style, credential and body puts on the wire (checked
//! against a recording server on 127.0.0.1), what it refuses to send, and how responses decode.

use std::collections::BTreeMap;
use std::convert::Infallible;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};

use crate::recorder::{Recorded, Recorder, Reply};
use crate::runtime::client::{
    AsJson, BuildError, Call, Credential, DEFAULT_BODY_LIMIT, DocumentedError, Error, Explode,
    RawResponse, Request, Response, Transport, boxed, header, no_headers, required_header,
};

/// Sends one `GET` to `path` built by `build`, answered with an empty `200`, and returns what
/// went over the wire.
async fn sent(path: &str, build: impl FnOnce(&mut Request<'_>)) -> Recorded {
    let recorder = Recorder::start(|_, _| Reply::new(200, &[], b"")).await;
    let transport = Transport::new(&recorder.base_url, None).expect("transport");
    let mut request = transport.request(Method::GET, path);
    build(&mut request);
    let response = request
        .send()
        .await
        .map_err(Error::<Infallible>::from)
        .expect("sent");
    assert_eq!(response.code(), 200);
    recorder.only_request()
}

/// Why the request built by `build` is not sent.
async fn refused(build: impl FnOnce(&mut Request<'_>)) -> String {
    // Nothing listens on the discard port: a request that got that far would fail in transport.
    let transport = Transport::new("http://127.0.0.1:9", None).expect("transport");
    let mut request = transport.request(Method::GET, "/items/{id}");
    build(&mut request);
    match request.send().await.map_err(Error::<Infallible>::from) {
        Err(Error::InvalidRequest(reason)) => reason,
        other => panic!("expected an invalid request, got {other:?}"),
    }
}

fn object() -> BTreeMap<&'static str, &'static str> {
    BTreeMap::from([("a", "1"), ("b", "x y")])
}

#[tokio::test]
async fn values_are_percent_encoded_except_unreserved_characters() {
    let request = sent("/items/{id}", |request| {
        request.path("id", "a/b c", Explode::No);
        request.query("q", "-._~ &=?/é+", Explode::Yes);
    })
    .await;
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/items/a%2Fb%20c");
    assert_eq!(request.query(), "q=-._~%20%26%3D%3F%2F%C3%A9%2B");
}

#[tokio::test]
async fn form_style_repeats_keys_when_exploded_and_joins_with_commas_when_not() {
    let request = sent("/items", |request| {
        request.query("tag", &["a", "b c"], Explode::Yes);
        request.query("id", &[1, 2], Explode::No);
        request.query("filter", &object(), Explode::Yes);
        request.query("sort", &object(), Explode::No);
        request.query("flag", &true, Explode::Yes);
        request.query("ratio", &1.5, Explode::Yes);
    })
    .await;
    assert_eq!(
        request.query(),
        "tag=a&tag=b%20c&id=1,2&a=1&b=x%20y&sort=a,1,b,x%20y&flag=true&ratio=1.5"
    );
}

#[tokio::test]
async fn null_and_empty_lists_are_not_sent() {
    let request = sent("/items", |request| {
        request.query("none", &None::<i64>, Explode::Yes);
        request.query("empty", &Vec::<i64>::new(), Explode::No);
        request.header("x-none", &None::<&str>, Explode::No);
        request.query("kept", "", Explode::Yes);
    })
    .await;
    assert_eq!(request.query(), "kept=");
    assert_eq!(request.header("x-none"), None);
}

#[tokio::test]
async fn delimited_styles_join_with_their_delimiter() {
    let request = sent("/items", |request| {
        request.query_delimited("space", &[1, 2], "%20", Explode::No);
        request.query_delimited("pipe", &["a", "b"], "|", Explode::No);
        request.query_delimited("exploded", &[3, 4], "|", Explode::Yes);
    })
    .await;
    assert_eq!(
        request.query(),
        "space=1%202&pipe=a|b&exploded=3&exploded=4"
    );
}

#[tokio::test]
async fn deep_object_style_names_each_field_in_brackets() {
    let request = sent("/items", |request| request.query_deep("filter", &object())).await;
    assert_eq!(request.query(), "filter[a]=1&filter[b]=x%20y");
    let reason = refused(|request| request.query_deep("filter", &[1, 2])).await;
    assert_eq!(reason, "the parameter `filter` must be an object");
}

#[tokio::test]
async fn path_styles_simple_label_and_matrix() {
    let request = sent("/{a}/{b}/{c}/{d}/{e}/{f}", |request| {
        request.path("a", &[1, 2], Explode::No);
        request.path("b", &object(), Explode::Yes);
        request.path_label("c", &[1, 2], Explode::Yes);
        request.path_label("d", &[1, 2], Explode::No);
        request.path_matrix("e", &[1, 2], Explode::Yes);
        request.path_matrix("f", &[1, 2], Explode::No);
    })
    .await;
    assert_eq!(request.path(), "/1,2/a=1,b=x%20y/.1.2/.1,2/;e=1;e=2/;f=1,2");
    let request = sent("/{object}/{scalar}", |request| {
        request.path_matrix("object", &object(), Explode::Yes);
        request.path_label("scalar", "x", Explode::No);
    })
    .await;
    assert_eq!(request.path(), "/;a=1;b=x%20y/.x");
}

#[tokio::test]
async fn path_values_that_would_change_the_path_are_refused() {
    for value in ["", ".", ".."] {
        let reason = refused(|request| request.path("id", value, Explode::No)).await;
        assert_eq!(
            reason,
            format!("the path parameter `id` cannot be `{value}`")
        );
    }
    let reason = refused(|request| request.path("id", &[[1]], Explode::No)).await;
    assert_eq!(reason, "the parameter `id` cannot be sent: a nested value");
}

#[tokio::test]
async fn header_and_cookie_parameters() {
    let request = sent("/items", |request| {
        request.header("x-ids", &[1, 2], Explode::No);
        request.header("x-object", &object(), Explode::Yes);
        request.cookie("session", "a b;c", Explode::Yes);
        request.cookie("theme", "dark", Explode::Yes);
    })
    .await;
    assert_eq!(request.header("x-ids"), Some("1,2"));
    assert_eq!(request.header("x-object"), Some("a=1,b=x y"));
    assert_eq!(
        request.header("cookie"),
        Some("session=a%20b%3Bc; theme=dark")
    );
    let reason = refused(|request| request.header("x-note", "line\nbreak", Explode::No)).await;
    assert_eq!(reason, "the header `x-note` has an invalid value");
    let reason = refused(|request| request.header("bad name", "x", Explode::No)).await;
    assert_eq!(reason, "`bad name` is not a valid header name");
}

#[tokio::test]
async fn credentials_of_the_first_complete_alternative_are_sent() {
    let header = Some(Credential::Header("X-Api-Key", "k1".to_owned()));
    let query = Some(Credential::Query("api_key", "k 2".to_owned()));
    let cookie = Some(Credential::Cookie("token", "k;3".to_owned()));
    let missing: Option<Credential> = None;
    let request = sent("/items", |request| {
        let ignored = Some(Credential::bearer("ignored"));
        request.authorize(&[
            &[&header, &missing],
            &[&header, &query, &cookie],
            &[&ignored],
        ]);
    })
    .await;
    assert_eq!(request.header("x-api-key"), Some("k1"));
    assert_eq!(request.query(), "api_key=k%202");
    assert_eq!(request.header("cookie"), Some("token=k%3B3"));
    assert_eq!(request.header("authorization"), None);

    let bearer = Some(Credential::bearer("t0k"));
    let request = sent("/items", |request| request.authorize(&[&[&bearer]])).await;
    assert_eq!(request.header("authorization"), Some("Bearer t0k"));

    let basic = Some(Credential::Basic("alice".to_owned(), "s3cret".to_owned()));
    let request = sent("/items", |request| request.authorize(&[&[&basic]])).await;
    // base64("alice:s3cret")
    assert_eq!(
        request.header("authorization"),
        Some("Basic YWxpY2U6czNjcmV0")
    );

    let request = sent("/items", |request| request.authorize(&[&[&missing]])).await;
    assert_eq!(
        request.header_names(),
        ["accept", "host"],
        "nothing is sent without a complete alternative"
    );
}

#[test]
fn credentials_never_show_their_secret() {
    let credentials = [
        Credential::Header("X-Api-Key", "secret".to_owned()),
        Credential::Query("key", "secret".to_owned()),
        Credential::Cookie("key", "secret".to_owned()),
        Credential::Basic("alice".to_owned(), "secret".to_owned()),
        Credential::bearer("secret"),
    ];
    let shown: Vec<String> = credentials.iter().map(|c| format!("{c:?}")).collect();
    assert_eq!(
        shown,
        [
            r#"Header("X-Api-Key", <redacted>)"#,
            r#"Query("key", <redacted>)"#,
            r#"Cookie("key", <redacted>)"#,
            r#"Basic("alice", <redacted>)"#,
            r#"Header("Authorization", <redacted>)"#,
        ]
    );
}

#[tokio::test]
async fn bodies_and_accept() {
    let request = sent("/items", |request| {
        request.json("application/vnd.x+json", &object());
        request.accept("application/json");
        request.accept("text/plain");
    })
    .await;
    assert_eq!(
        request.header("content-type"),
        Some("application/vnd.x+json")
    );
    assert_eq!(
        request.header("accept"),
        Some("application/json, text/plain")
    );
    assert_eq!(request.body, br#"{"a":"1","b":"x y"}"#);

    let request = sent("/items", |request| {
        request.form("application/x-www-form-urlencoded", &object());
    })
    .await;
    assert_eq!(request.body, b"a=1&b=x%20y");

    let request = sent("/items", |request| {
        request.body("text/plain", b"raw".to_vec())
    })
    .await;
    assert_eq!(request.header("content-type"), Some("text/plain"));
    assert_eq!(request.body, b"raw");

    let reason = refused(|request| request.form("application/x-www-form-urlencoded", &[1])).await;
    assert_eq!(reason, "a form body must be an object");
}

#[test]
fn transports_refuse_base_urls_that_cannot_take_a_path() {
    let refusal = |base_url: &str| match Transport::new(base_url, None) {
        Err(error) => error.to_string(),
        Ok(transport) => panic!("{base_url} accepted: {transport:?}"),
    };
    assert_eq!(refusal("not a url"), "base URL `not a url` is not a URL");
    assert_eq!(
        refusal("ftp://example.com"),
        "base URL `ftp://example.com` is not an http or https URL"
    );
    assert_eq!(
        refusal("http://example.com/api?x=1"),
        "base URL `http://example.com/api?x=1` has a query or fragment"
    );
    let error: BuildError = Transport::new("mailto:x", None).expect_err("not a base");
    assert_eq!(
        error.to_string(),
        "base URL `mailto:x` is not an http or https URL"
    );
    let transport = Transport::new("https://example.com/api/", None).expect("transport");
    assert_eq!(transport.base_url(), "https://example.com/api");
    assert_eq!(
        format!("{transport:?}"),
        format!(
            "Transport {{ base_url: \"https://example.com/api\", body_limit: {DEFAULT_BODY_LIMIT}, .. }}"
        )
    );
}

#[tokio::test]
async fn bodies_over_the_limit_are_not_read() {
    let recorder = Recorder::start(|_, index| match index {
        0 => Reply::new(200, &[], b"0123456789ab"),
        _ => Reply::Endless {
            status: 200,
            content_type: "application/json",
        },
    })
    .await;
    let mut transport = Transport::new(&recorder.base_url, None).expect("transport");
    transport.set_body_limit(10);
    for _ in 0..2 {
        let request = transport.request(Method::GET, "/large");
        let error = request
            .send()
            .await
            .map_err(Error::<Infallible>::from)
            .expect_err("too large");
        let Error::BodyTooLarge {
            status,
            limit,
            header_map,
        } = &error
        else {
            panic!("expected BodyTooLarge, got {error:?}");
        };
        assert_eq!((*status, *limit), (StatusCode::OK, 10));
        // The headers arrived before the body was refused.
        assert!(
            header_map.contains_key("content-length") || header_map.contains_key("content-type")
        );
        assert_eq!(
            error.to_string(),
            "the 200 OK response body is over 10 bytes"
        );
    }
    let targets: Vec<String> = recorder.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/large", "/large"]);
}

#[tokio::test]
async fn unreachable_servers_are_transport_errors() {
    let transport = Transport::new("http://127.0.0.1:9", None).expect("transport");
    let error = transport
        .request(Method::GET, "/")
        .send()
        .await
        .map_err(Error::<Infallible>::from)
        .expect_err("nothing listens on port 9");
    assert!(
        matches!(error, Error::Transport { partial: None, .. }),
        "{error:?}"
    );
    assert!(std::error::Error::source(&error).is_some());
    assert!(
        error.to_string().starts_with("transport failure: "),
        "{error}"
    );
}

fn raw(status: u16, headers: &[(&'static str, &'static str)], body: &[u8]) -> RawResponse {
    let mut header_map = HeaderMap::new();
    for (name, value) in headers {
        header_map.insert(*name, value.parse().expect("header value"));
    }
    RawResponse {
        status: StatusCode::from_u16(status).expect("status"),
        header_map,
        body: body.to_vec().into(),
    }
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Item {
    id: i64,
}

#[test]
fn json_bodies_decode_only_when_labelled_json() {
    let json = raw(
        200,
        &[("content-type", "application/problem+json; charset=utf-8")],
        br#"{"id":7}"#,
    );
    let decoded: Response<Item> = json
        .json::<Item, (), Infallible>(no_headers)
        .expect("decoded");
    assert_eq!(decoded.body, Item { id: 7 });
    assert_eq!(decoded.status, StatusCode::OK);

    let text = raw(200, &[("content-type", "text/plain")], br#"{"id":7}"#);
    match text.json::<Item, (), Infallible>(no_headers) {
        Err(error @ Error::InvalidResponse { .. }) => assert_eq!(
            error.to_string(),
            "the 200 OK response does not match the spec: expected JSON, got content type `text/plain`"
        ),
        other => panic!("expected InvalidResponse, got {other:?}"),
    }

    let wrong = raw(
        200,
        &[("content-type", "application/json")],
        br#"{"id":"x"}"#,
    );
    match wrong.json::<Item, (), Infallible>(no_headers) {
        Err(Error::InvalidResponse { reason, response }) => {
            assert!(
                reason.starts_with("the JSON body does not match the spec: invalid type"),
                "{reason}"
            );
            assert_eq!(response.text(), r#"{"id":"x"}"#);
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[test]
fn text_bytes_and_empty_bodies() {
    let text = raw(200, &[], "héllo".as_bytes());
    let decoded = text.text_body::<(), Infallible>(no_headers).expect("text");
    assert_eq!(decoded.body, "héllo");
    let invalid = raw(200, &[], &[0xff, 0xfe]);
    match invalid.text_body::<(), Infallible>(no_headers) {
        Err(Error::InvalidResponse { reason, .. }) => {
            assert_eq!(reason, "the body is not UTF-8 text")
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
    let bytes = raw(200, &[], &[0xff, 0xfe]);
    assert_eq!(
        bytes
            .bytes::<(), Infallible>(no_headers)
            .expect("bytes")
            .body,
        [0xff, 0xfe]
    );
    let empty = raw(204, &[], b"ignored");
    let decoded = empty.empty::<(), Infallible>(no_headers).expect("empty");
    assert_eq!((decoded.status, decoded.body), (StatusCode::NO_CONTENT, ()));
}

#[test]
fn undocumented_statuses_keep_the_response() {
    let response = raw(418, &[], b"teapot");
    assert_eq!(response.code(), 418);
    match response.unexpected::<(), Infallible>() {
        Err(error @ Error::UnexpectedStatus(_)) => {
            assert_eq!(
                error.to_string(),
                "status 418 I'm a teapot, which the spec does not document here"
            );
            assert!(std::error::Error::source(&error).is_none());
        }
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
}

/// An operation's error enum as the client emitter writes it: no `Display`, no `status()`, and
/// one `decode` that reads each documented status.
#[derive(Debug, PartialEq)]
enum Documented {
    NotFound(Box<Response<Item>>),
    ServerError(Box<Response<String>>),
}

impl DocumentedError for Documented {
    fn decode(response: RawResponse) -> Result<Self, Error<Self>> {
        match response.code() {
            404 => boxed(response.json(no_headers)).map(Self::NotFound),
            500..=599 => boxed(response.text_body(no_headers)).map(Self::ServerError),
            _ => response.unexpected(),
        }
    }
}

#[test]
fn documented_error_responses_become_the_call_error() {
    let response = raw(404, &[("content-type", "application/json")], br#"{"id":3}"#);
    match response.error::<(), Documented>() {
        Err(
            ref error @ Error::Documented {
                status,
                error: Documented::NotFound(ref response),
            },
        ) => {
            assert_eq!(status, StatusCode::NOT_FOUND);
            assert_eq!(response.body.id, 3);
            assert_eq!(error.to_string(), "documented error response 404 Not Found");
        }
        other => panic!("expected a documented error, got {other:?}"),
    }
    let response = raw(503, &[("content-type", "text/plain")], b"down");
    match response.error::<(), Documented>() {
        Err(Error::Documented {
            status,
            error: Documented::ServerError(response),
        }) => {
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.body, "down");
        }
        other => panic!("expected the 5XX error, got {other:?}"),
    }
    // A status the error type does not document stays unexpected, the response kept whole.
    let response = raw(418, &[], b"teapot");
    match response.error::<(), Documented>() {
        Err(Error::UnexpectedStatus(response)) => assert_eq!(&response.body[..], b"teapot"),
        other => panic!("expected UnexpectedStatus, got {other:?}"),
    }
    // A documented status whose body does not match is an invalid response, not an error value.
    let response = raw(404, &[("content-type", "application/json")], b"not json");
    assert!(matches!(
        response.error::<(), Documented>(),
        Err(Error::InvalidResponse { .. })
    ));
}

#[derive(Debug, PartialEq)]
struct Headers {
    count: i64,
    next: Option<String>,
}

fn read_headers(header_map: &HeaderMap) -> Result<Headers, String> {
    Ok(Headers {
        count: required_header(header_map, "x-count")?,
        next: header(header_map, "x-next")?,
    })
}

#[test]
fn declared_response_headers_are_parsed() {
    let response = raw(200, &[("x-count", "41"), ("x-next", "b c")], b"");
    let decoded = response
        .empty::<_, Infallible>(read_headers)
        .expect("headers");
    let expected = Headers {
        count: 41,
        next: Some("b c".to_owned()),
    };
    assert_eq!(decoded.headers, expected);
    assert_eq!(decoded.header_map.len(), 2);

    let response = raw(200, &[("x-count", "many")], b"");
    match response.empty::<_, Infallible>(read_headers) {
        Err(Error::InvalidResponse { reason, .. }) => {
            assert!(
                reason.starts_with("the header `x-count` is invalid: "),
                "{reason}"
            );
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
    let response = raw(200, &[], b"");
    match response.empty::<_, Infallible>(read_headers) {
        Err(Error::InvalidResponse { reason, .. }) => {
            assert_eq!(reason, "the required header `x-count` is missing");
        }
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[test]
fn errors_describe_themselves() {
    let invalid: Error = Error::InvalidRequest("no".to_owned());
    assert_eq!(invalid.to_string(), "invalid request: no");
    let pagination: Error = Error::Pagination("stuck".to_owned());
    assert_eq!(pagination.to_string(), "cannot follow the pages: stuck");
}

#[tokio::test]
async fn a_sent_request_reads_the_whole_response() {
    let recorder = Recorder::start(|_, _| Reply::json("application/json", r#"{"id":9}"#)).await;
    let transport = Transport::new(&recorder.base_url, None).expect("transport");
    let mut request = transport.request(Method::POST, "/items");
    request.json("application/json", &Item { id: 9 });
    let response = request
        .send()
        .await
        .map_err(Error::<Infallible>::from)
        .expect("sent");
    let decoded = response.json::<Item, (), Infallible>(no_headers);
    assert_eq!(decoded.expect("decoded").body, Item { id: 9 });
    let sent = recorder.only_request();
    assert_eq!(
        (sent.method.as_str(), sent.body.as_slice()),
        ("POST", &br#"{"id":9}"#[..])
    );
}

#[tokio::test]
async fn nested_form_fields_go_in_brackets_and_lists_repeat_the_key() {
    let body = serde_json::json!({
        "a b": "1",
        "tags": ["x", "y z"],
        "owner": {"name": "Ann", "address": {"city": "Oslo"}},
        "lines": [{"sku": "s", "count": 2}],
        "gone": null,
    });
    let request = sent("/items", |request| {
        request.form("application/x-www-form-urlencoded", &body);
    })
    .await;
    assert_eq!(
        String::from_utf8_lossy(&request.body),
        "a%20b=1&tags=x&tags=y%20z&owner[name]=Ann&owner[address][city]=Oslo\
         &lines[0][sku]=s&lines[0][count]=2"
    );
}

#[tokio::test]
async fn json_parameters_and_encoded_bodies() {
    let filter = serde_json::json!({"status": "open", "min": 5});
    let none: Option<u8> = None;
    let request = sent("/items", |request| {
        request.query("filter", &AsJson(&filter), Explode::Yes);
        request.query("absent", &AsJson(&none), Explode::Yes);
        request.header("x-context", &AsJson(&["a", "b"]), Explode::No);
        request.encoded_body(Ok((
            "multipart/form-data; boundary=b".to_owned(),
            b"--b--\r\n".to_vec(),
        )));
    })
    .await;
    assert_eq!(
        request.query(),
        "filter=%7B%22status%22%3A%22open%22%2C%22min%22%3A5%7D"
    );
    assert_eq!(request.header("x-context"), Some(r#"["a","b"]"#));
    assert_eq!(
        request.header("content-type"),
        Some("multipart/form-data; boundary=b")
    );
    assert_eq!(request.body, b"--b--\r\n");

    let reason = refused(|request| request.encoded_body(Err("not an object".to_owned()))).await;
    assert_eq!(reason, "the body cannot be encoded: not an object");
}

/// What a generated operation method is: the request built now, sent and decoded when awaited.
fn create_item<'a>(transport: &'a Transport, item: &Item) -> impl Call<Response<Item>> + 'a {
    let mut request = transport.request(Method::POST, "/items");
    request.json("application/json", item);
    request.call(|response| match response.code() {
        201 => response.json(no_headers),
        _ => response.unexpected(),
    })
}

#[tokio::test]
async fn a_call_is_sent_when_awaited_and_decoded_by_its_closure() {
    let recorder = Recorder::start(|_, _| {
        Reply::new(201, &[("content-type", "application/json")], br#"{"id":4}"#)
    })
    .await;
    let transport = Transport::new(&recorder.base_url, None).expect("transport");
    let call = create_item(&transport, &Item { id: 4 });
    let created = call.await.expect("created");
    assert_eq!(created.body, Item { id: 4 });
    assert_eq!(recorder.only_request().body, br#"{"id":4}"#);
    // The decoding closure sees every status: here one the operation does not document.
    let recorder = Recorder::start(|_, _| Reply::new(200, &[], b"{}")).await;
    let transport = Transport::new(&recorder.base_url, None).expect("transport");
    let error = create_item(&transport, &Item { id: 4 })
        .await
        .expect_err("200 is not documented");
    assert!(matches!(error, Error::UnexpectedStatus(_)), "{error:?}");
}

#[tokio::test]
async fn a_call_that_cannot_be_sent_reports_the_failure_as_the_operations_error() {
    let transport = Transport::new("http://127.0.0.1:9", None).expect("transport");
    let error = create_item(&transport, &Item { id: 1 })
        .await
        .expect_err("nothing listens on port 9");
    assert!(
        matches!(error, Error::Transport { partial: None, .. }),
        "{error:?}"
    );
    let failure = transport
        .request(Method::GET, "/")
        .send()
        .await
        .expect_err("nothing listens on port 9");
    assert_eq!(
        failure.to_string(),
        Error::<Infallible>::from(failure).to_string()
    );
}
