//! The server runtime: parameter readers per style and location, body readers with the 415
//! check, credentials, enum and URI checks, the JSON rejections and the reply writers.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::runtime::server::{
    Body as ReplyBody, Call, CredentialSet, FromIncoming, Incoming, Known, Rejection, Secret,
    check_uri, known, not_implemented, redacted, reply_body, reply_bytes, reply_empty, reply_json,
    reply_text, with_header, within,
};

/// The request taken apart as a handler sees it (no path parameters: no route matched).
async fn incoming(request: axum::http::request::Builder, body: &str) -> Incoming {
    let request = request.body(Body::from(body.to_owned())).expect("request");
    match Incoming::from_request(request, &()).await {
        Ok(incoming) => incoming,
        Err(_) => panic!("the request is not read"),
    }
}

async fn get_incoming(uri: &str) -> Incoming {
    incoming(Request::builder().uri(uri), "").await
}

/// The status, `Content-Type` and body text of `response`.
async fn parts(response: Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = to_bytes(response.into_body(), 1 << 20).await.expect("body");
    let body = String::from_utf8(body.to_vec()).expect("UTF-8 body");
    (status, content_type, body)
}

/// The JSON body a rejection is sent as, with its status.
async fn rejection(rejection: Rejection) -> (u16, Value) {
    let (status, content_type, body) = parts(rejection.into_response()).await;
    assert_eq!(content_type, "application/json");
    (status, serde_json::from_str(&body).expect("JSON rejection"))
}

async fn bad_request(result: Result<impl std::fmt::Debug, Rejection>) -> Value {
    match result {
        Ok(value) => panic!("expected a rejection, got {value:?}"),
        Err(refused) => {
            let (status, body) = rejection(refused).await;
            assert_eq!(status, 400);
            body
        }
    }
}

#[tokio::test]
async fn query_parameters_by_style() {
    let incoming = get_incoming(
        "/?n=5&n=6&s=a+b%20c&tags=x,y&pipe=1|2&space=1%202&many=3&many=4&f[a]=1&f[b]=x&empty=",
    )
    .await;
    assert_eq!(
        incoming.query::<i64>("n").expect("first of repeated keys"),
        5
    );
    assert_eq!(incoming.query::<String>("s").expect("decoded"), "a b c");
    assert_eq!(
        incoming.query::<Option<i64>>("absent").expect("absent"),
        None
    );
    let tags: Vec<String> = incoming.query_list("tags", ',', false).expect("form list");
    assert_eq!(tags, ["x", "y"]);
    let pipe: Vec<i64> = incoming.query_list("pipe", '|', false).expect("pipe list");
    assert_eq!(pipe, [1, 2]);
    let space: Vec<i64> = incoming
        .query_list("space", ' ', false)
        .expect("space list");
    assert_eq!(space, [1, 2]);
    let many: Vec<i64> = incoming
        .query_list("many", ',', true)
        .expect("exploded list");
    assert_eq!(many, [3, 4]);
    let empty: Vec<i64> = incoming
        .query_list("empty", ',', false)
        .expect("empty list");
    assert!(empty.is_empty());
    let object: BTreeMap<String, String> = incoming.query_deep("f").expect("deep object");
    assert_eq!(
        object,
        BTreeMap::from([("a".into(), "1".into()), ("b".into(), "x".into())])
    );
}

#[tokio::test]
async fn unreadable_parameters_are_rejected_with_their_place() {
    let incoming = get_incoming("/?n=five&big=99999999999999999999").await;
    let body = bad_request(incoming.query::<i64>("n")).await;
    assert_eq!(body["in"], "query");
    assert_eq!(body["name"], "n");
    assert!(
        body["error"]
            .as_str()
            .expect("error")
            .starts_with("invalid value: "),
        "{body}"
    );
    let body = bad_request(incoming.query::<i64>("big")).await;
    assert_eq!(
        body,
        json!({
            "status": 400,
            "error": "invalid value: integer 99999999999999999999 is out of range",
            "in": "query",
            "name": "big",
        })
    );
    let body = bad_request(incoming.query::<i64>("missing")).await;
    assert_eq!(body["error"], "missing required parameter");
}

#[tokio::test]
async fn header_and_cookie_parameters() {
    let request = Request::builder()
        .uri("/")
        .header("x-ids", "1, 2")
        .header("x-flag", "true")
        .header("cookie", "theme=dark; session=a%20b");
    let incoming = incoming(request, "").await;
    let ids: Vec<i64> = incoming.header_list("x-ids").expect("header list");
    assert_eq!(ids, [1, 2]);
    assert!(incoming.header::<bool>("x-flag").expect("header"));
    assert_eq!(incoming.cookie::<String>("session").expect("cookie"), "a b");
    let body = bad_request(incoming.cookie::<String>("missing")).await;
    assert_eq!(body["in"], "cookie");
}

/// Answers with what the route's `{value}` reads as, or the rejection.
async fn read_path(uri: &str, read: fn(&Incoming) -> Result<Value, Rejection>) -> Value {
    let handler = move |incoming: Incoming| async move {
        match read(&incoming) {
            Ok(value) => value.to_string().into_response(),
            Err(rejection) => rejection.into_response(),
        }
    };
    let router = Router::new().route("/items/{value}", get(handler));
    let request = Request::builder()
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    let response = router.oneshot(request).await.expect("infallible");
    let (_, _, body) = parts(response).await;
    serde_json::from_str(&body).expect("JSON")
}

#[tokio::test]
async fn path_parameters_by_style() {
    let scalar = read_path("/items/a%20b", |incoming| incoming.path("value")).await;
    assert_eq!(scalar, "a b");
    let number = read_path("/items/7", |incoming| {
        incoming.path::<i64>("value").map(Value::from)
    })
    .await;
    assert_eq!(number, 7);
    let list = read_path("/items/1,2", |incoming| {
        incoming.path_list::<Vec<i64>>("value").map(Value::from)
    })
    .await;
    assert_eq!(list, json!([1, 2]));
    let label = read_path("/items/.1.2", |incoming| {
        incoming
            .path_styled::<Vec<i64>>("value", true, true, true)
            .map(Value::from)
    })
    .await;
    assert_eq!(label, json!([1, 2]));
    let label = read_path("/items/.x", |incoming| {
        incoming.path_styled("value", true, false, false)
    })
    .await;
    assert_eq!(label, "x");
    let matrix = read_path("/items/;value=1;value=2", |incoming| {
        incoming
            .path_styled::<Vec<i64>>("value", false, true, true)
            .map(Value::from)
    })
    .await;
    assert_eq!(matrix, json!([1, 2]));
    let matrix = read_path("/items/;value=1,2", |incoming| {
        incoming
            .path_styled::<Vec<i64>>("value", false, true, false)
            .map(Value::from)
    })
    .await;
    assert_eq!(matrix, json!([1, 2]));
    let refused = read_path("/items/x", |incoming| {
        incoming.path::<i64>("value").map(Value::from)
    })
    .await;
    assert_eq!(refused["in"], "path");
    assert_eq!(refused["status"], 400);
    let absent = read_path("/items/x", |incoming| {
        incoming
            .path_styled::<i64>("other", true, false, false)
            .map(Value::from)
    })
    .await;
    assert_eq!(absent["error"], "missing required parameter");
}

#[derive(Debug, Deserialize, PartialEq)]
struct Pet {
    name: String,
}

#[tokio::test]
async fn bodies_are_read_in_the_declared_media_types() {
    let json_request = || {
        Request::builder()
            .uri("/")
            .header("content-type", "application/json; charset=utf-8")
    };
    let incoming_pet = incoming(json_request(), r#"{"name":"Rex"}"#).await;
    let pet: Pet = incoming_pet
        .json_body(&["application/json"], true)
        .expect("pet");
    assert_eq!(pet.name, "Rex");

    let wrong = incoming(json_request(), r#"{"name":5}"#).await;
    let body = bad_request(wrong.json_body::<Pet>(&["application/json"], true)).await;
    assert_eq!(body["in"], "body");
    assert_eq!(body["name"], "name");
    assert!(
        body["error"]
            .as_str()
            .expect("error")
            .starts_with("invalid body: invalid type"),
        "{body}"
    );

    let text = incoming(
        Request::builder()
            .uri("/")
            .header("content-type", "text/plain"),
        "hi",
    )
    .await;
    let media = ["text/plain"];
    assert_eq!(
        text.text_body(&media, true).expect("text"),
        Some("hi".to_owned())
    );
    assert_eq!(
        text.bytes_body(&media, true).expect("bytes"),
        Some(b"hi".to_vec())
    );

    let refused = text.json_body::<Pet>(&["application/json", "application/xml"], true);
    match refused {
        Err(rejected) => {
            let (status, body) = rejection(rejected).await;
            assert_eq!(status, 415);
            assert_eq!(
                body,
                json!({
                    "status": 415,
                    "error": "expected application/json or application/xml, got `text/plain`",
                    "in": "header",
                    "name": "Content-Type",
                })
            );
        }
        Ok(pet) => panic!("expected 415, got {pet:?}"),
    }

    let none = get_incoming("/").await;
    let absent: Option<Pet> = none
        .json_body(&["application/json"], false)
        .expect("optional");
    assert_eq!(absent, None);
    assert_eq!(none.text_body(&media, false).expect("optional"), None);
    let body = bad_request(none.json_body::<Pet>(&["application/json"], true)).await;
    assert_eq!(body["error"], "a request body is required");
    let body = bad_request(none.bytes_body(&media, true)).await;
    assert_eq!(body["error"], "a request body is required");
}

#[tokio::test]
async fn credentials_are_read_from_their_place() {
    let request = Request::builder()
        .uri("/?api_key=q1")
        .header("x-api-key", "h1")
        .header("authorization", "bearer  t0k ")
        .header("cookie", "key=c1");
    let incoming = incoming(request, "").await;
    assert_eq!(incoming.api_key_header("x-api-key").as_deref(), Some("h1"));
    assert_eq!(incoming.api_key_query("api_key").as_deref(), Some("q1"));
    assert_eq!(incoming.api_key_cookie("key").as_deref(), Some("c1"));
    assert_eq!(incoming.authorization("Bearer").as_deref(), Some("t0k"));
    assert_eq!(incoming.authorization("Basic"), None);
    assert_eq!(redacted(&Some("secret".to_owned())), Some("<redacted>"));
    assert_eq!(redacted(&None::<String>), None);
    // A credential read from a header shares its bytes; `Debug` never shows it.
    let secret = incoming.authorization("Bearer").expect("bearer");
    assert_eq!(secret.as_str(), "t0k");
    assert_eq!(format!("{secret:?}"), "<redacted>");
    let (status, body) = rejection(Rejection::unauthorized()).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"status": 401, "error": "credentials are required", "in": null, "name": null})
    );
}

/// A model holding an enum, as the generated `Known` impls see it.
struct Kind(&'static str);

impl Known for Kind {
    fn unknown(&self) -> Option<String> {
        (self.0 != "cat").then(String::new)
    }
}

#[tokio::test]
async fn values_outside_an_enum_are_found_by_path() {
    assert_eq!(within("", "a".to_owned()), "a");
    assert_eq!(within("items", String::new()), "items");
    assert_eq!(within("items", "2".to_owned()), "items.2");

    let values = vec![
        Some(Box::new(Kind("cat"))),
        None,
        Some(Box::new(Kind("dog"))),
    ];
    assert_eq!(values.unknown().as_deref(), Some("2"));
    let map = BTreeMap::from([("pet".to_owned(), Kind("dog"))]);
    assert_eq!(map.unknown().as_deref(), Some("pet"));
    assert!(known(&vec![Kind("cat")], "body", "").is_ok());

    let body = bad_request(known(&values, "query", "kinds")).await;
    assert_eq!(
        body,
        json!({"status": 400, "error": "a value is not one the spec lists", "in": "query", "name": "kinds.2"})
    );
    let body = bad_request(known(&Kind("dog"), "body", "")).await;
    assert_eq!(body["name"], Value::Null);
}

#[tokio::test]
async fn uris_must_be_absolute() {
    for uri in [
        "https://example.com/a?b=c#d",
        "urn:isbn:0451450523",
        "mailto:a@b.example",
    ] {
        assert!(check_uri(Some(uri), "query", "u").is_ok(), "{uri}");
    }
    assert!(check_uri(None, "query", "u").is_ok());
    for not_uri in ["/relative", "1http://x", "http://a b", ""] {
        let body = bad_request(check_uri(Some(not_uri), "query", "u")).await;
        assert_eq!(body["error"], "the value is not a URI", "{not_uri}");
    }
}

#[tokio::test]
async fn replies_carry_status_media_type_and_headers() {
    let reply = reply_json(201, "application/vnd.x+json", &json!({"id": 1}));
    assert_eq!(
        parts(reply).await,
        (
            201,
            "application/vnd.x+json".to_owned(),
            r#"{"id":1}"#.to_owned()
        )
    );
    let reply = reply_text(200, "text/plain", "hi".to_owned());
    assert_eq!(
        parts(reply).await,
        (200, "text/plain".to_owned(), "hi".to_owned())
    );
    let reply = reply_bytes(200, "application/octet-stream", vec![1, 2]);
    let (_, content_type, _) = parts(reply).await;
    assert_eq!(content_type, "application/octet-stream");
    assert_eq!(
        parts(reply_empty(204)).await,
        (204, String::new(), String::new())
    );
    assert_eq!(
        reply_empty(1000).status(),
        500,
        "an impossible status is a server error"
    );

    // A `Body` owned, shared, serialized now from a borrowed view, or serialized before: the
    // same JSON on the wire.
    let records = Arc::new(vec![json!({"id": 1}), json!({"id": 2})]);
    let bodies: [ReplyBody<Vec<Value>>; 4] = [
        records.as_ref().clone().into(),
        Arc::clone(&records).into(),
        ReplyBody::view(&records[..]),
        ReplyBody::json(r#"[{"id":1},{"id":2}]"#),
    ];
    for body in bodies {
        let shown = format!("{body:?}");
        let reply = reply_body(200, "application/json", body);
        let (status, content_type, text) = parts(reply).await;
        assert_eq!(
            (status, content_type.as_str()),
            (200, "application/json"),
            "{shown}"
        );
        assert_eq!(text, r#"[{"id":1},{"id":2}]"#, "{shown}");
    }
    let shared: ReplyBody<Vec<Value>> = Arc::clone(&records).into();
    assert_eq!(shared.value(), Some(&*records));
    assert_eq!(ReplyBody::<Vec<Value>>::json("[]").value(), None);

    let reply = with_header(reply_empty(200), "x-count", &41);
    let reply = with_header(reply, "x-name", &"a b");
    let reply = with_header(reply, "x-none", &None::<String>);
    let reply = with_header(reply, "x-bad", &"line\nbreak");
    let names: Vec<&str> = reply.headers().keys().map(|name| name.as_str()).collect();
    assert_eq!(names, ["x-count", "x-name"]);
    assert_eq!(reply.headers()["x-count"], "41");
    assert_eq!(reply.headers()["x-name"], "a b");

    let (status, content_type, body) = parts(not_implemented()).await;
    assert_eq!((status, content_type.as_str()), (501, "application/json"));
    let body: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(body["error"], "this operation is not implemented");
}

/// An implementation as a generated `Api` trait sees it: one operation, answering with its
/// request and which credentials it was given.
struct Doubler;

/// An operation's request: a required integer `n` in the query.
struct DoubleRequest {
    n: i64,
}

impl FromIncoming for DoubleRequest {
    fn read(incoming: &Incoming) -> Result<Self, Rejection> {
        Ok(DoubleRequest {
            n: incoming.query("n")?,
        })
    }
}

/// Credentials of three schemes, each an API key header named as the scheme.
struct ThreeKeys {
    key: Option<Secret>,
    first: Option<Secret>,
    second: Option<Secret>,
}

impl CredentialSet for ThreeKeys {
    fn read(incoming: &Incoming) -> Self {
        ThreeKeys {
            key: incoming.api_key_header("key"),
            first: incoming.api_key_header("first"),
            second: incoming.api_key_header("second"),
        }
    }

    fn has(&self, scheme: &str) -> bool {
        match scheme {
            "key" => self.key.is_some(),
            "first" => self.first.is_some(),
            "second" => self.second.is_some(),
            _ => false,
        }
    }
}

impl Doubler {
    async fn double(&self, request: DoubleRequest, credentials: ThreeKeys) -> Response {
        let sent = [credentials.key, credentials.first, credentials.second];
        let sent = sent.map(|secret| secret.as_deref().map(str::to_owned));
        let body = json!({"doubled": request.n * 2, "sent": sent});
        reply_json(200, "application/json", &body)
    }

    async fn anonymous(&self, request: DoubleRequest) -> Response {
        reply_json(200, "application/json", &json!({"doubled": request.n * 2}))
    }
}

/// `key` alone, or `first` and `second` together.
async fn guarded(call: Call<Doubler>) -> Response {
    call.serve(&[&["key"], &["first", "second"]], Doubler::double)
        .await
}

async fn open(call: Call<Doubler>) -> Response {
    call.serve(&[], |api, request, ()| api.anonymous(request))
        .await
}

/// The status and JSON body `uri` gets with `headers` from a router serving `Doubler`.
async fn call_doubler(uri: &str, headers: &[&str]) -> (u16, Value) {
    let router = Router::new()
        .route("/guarded", get(guarded))
        .route("/open", get(open))
        .with_state(Arc::new(Doubler));
    let mut request = Request::builder().uri(uri);
    for name in headers {
        request = request.header(*name, format!("{name}-value"));
    }
    let request = request.body(Body::empty()).expect("request");
    let response = router.oneshot(request).await.expect("infallible");
    let (status, content_type, body) = parts(response).await;
    assert_eq!(content_type, "application/json");
    (status, serde_json::from_str(&body).expect("JSON"))
}

#[tokio::test]
async fn calls_are_refused_without_credentials_before_the_request_is_read() {
    let unauthorized =
        json!({"status": 401, "error": "credentials are required", "in": null, "name": null});
    assert_eq!(
        call_doubler("/guarded?n=x", &[]).await,
        (401, unauthorized.clone())
    );
    assert_eq!(
        call_doubler("/guarded?n=2", &[]).await,
        (401, unauthorized.clone())
    );
    let half_of_an_alternative = call_doubler("/guarded?n=2", &["first"]).await;
    assert_eq!(half_of_an_alternative, (401, unauthorized));
}

#[tokio::test]
async fn calls_with_credentials_are_refused_when_the_request_does_not_read() {
    let (status, body) = call_doubler("/guarded?n=x", &["key"]).await;
    assert_eq!(status, 400);
    assert_eq!(body["in"], "query");
    assert_eq!(body["name"], "n");
    let (status, body) = call_doubler("/open", &[]).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "missing required parameter");
}

#[tokio::test]
async fn calls_reach_the_implementation_with_the_request_and_credentials() {
    let (status, body) = call_doubler("/guarded?n=21", &["key"]).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"doubled": 42, "sent": ["key-value", null, null]})
    );
    let both = call_doubler("/guarded?n=1", &["first", "second"]).await;
    assert_eq!(both.1["sent"], json!([null, "first-value", "second-value"]));
    assert_eq!(
        call_doubler("/open?n=2", &[]).await,
        (200, json!({"doubled": 4}))
    );
}

#[derive(Debug, PartialEq, Deserialize)]
struct Signup {
    name: String,
    age: u8,
    #[serde(default)]
    tags: Vec<String>,
}

#[tokio::test]
async fn form_bodies_read_into_their_type() {
    use crate::runtime::forms::{form_body, multipart_body};
    async fn form(body: &str) -> Incoming {
        let request = Request::builder()
            .method("POST")
            .header("content-type", "application/x-www-form-urlencoded");
        incoming(request, body).await
    }
    let media = ["application/x-www-form-urlencoded"];
    let read: Signup = form_body(
        &form("name=A+b%26c&age=30&tags=x&tags=y").await,
        &media,
        true,
    )
    .expect("a signup");
    assert_eq!(
        read,
        Signup {
            name: "A b&c".to_owned(),
            age: 30,
            tags: vec!["x".to_owned(), "y".to_owned()]
        }
    );
    let refused = bad_request(form_body::<Signup>(
        &form("name=A&age=300").await,
        &media,
        true,
    ))
    .await;
    assert_eq!(refused["name"], "age", "{refused}");
    let deep = format!("name=A&age=1&x{}=1", "[y]".repeat(40));
    let refused = bad_request(form_body::<Signup>(&form(&deep).await, &media, true)).await;
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("nests deeper")),
        "{refused}"
    );
    let absent: Option<Signup> = form_body(&get_incoming("/").await, &media, false).expect("none");
    assert_eq!(absent, None);

    let multipart = Request::builder()
        .method("POST")
        .header("content-type", "multipart/form-data; boundary=XyZ");
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAnn\r\n\
                --XyZ\r\nContent-Disposition: form-data; name=\"age\"\r\n\r\n41\r\n--XyZ--\r\n";
    let incoming = incoming(multipart, body).await;
    assert_eq!(incoming.content_type(), "multipart/form-data; boundary=XyZ");
    assert_eq!(incoming.media_essence(), "multipart/form-data");
    assert_eq!(
        incoming
            .raw_body(&["multipart/form-data"], true)
            .expect("a body"),
        Some(body.as_bytes())
    );
    let read: Signup = multipart_body(&incoming, &["multipart/form-data"], true).expect("a signup");
    assert_eq!(read.age, 41);
    let broken = Request::builder()
        .method("POST")
        .header("content-type", "multipart/form-data; boundary=XyZ");
    let broken = self::incoming(broken, "--XyZ\r\nno end").await;
    let refused = bad_request(multipart_body::<Signup>(
        &broken,
        &["multipart/form-data"],
        true,
    ))
    .await;
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("invalid multipart body")),
        "{refused}"
    );
}

#[tokio::test]
async fn json_parameters_are_parsed_from_their_text() {
    let request = Request::builder()
        .uri("/?filter=%7B%22min%22%3A5%7D&bad=%7B")
        .header("x-context", r#"["a"]"#);
    let incoming = incoming(request, "").await;
    let filter: BTreeMap<String, u8> = incoming.json_param("query", "filter").expect("an object");
    assert_eq!(filter["min"], 5);
    let context: Vec<String> = incoming.json_param("header", "x-context").expect("a list");
    assert_eq!(context, ["a"]);
    let absent: Option<Vec<String>> = incoming.json_param("cookie", "c").expect("none");
    assert_eq!(absent, None);
    let refused = bad_request(incoming.json_param::<Value>("query", "bad")).await;
    assert_eq!(refused["name"], "bad");
    let missing = bad_request(incoming.json_param::<String>("path", "id")).await;
    assert_eq!(missing["error"], "missing required parameter", "{missing}");
}

/// A union of a number and a boolean, as the models write untagged unions: serde reads it by
/// asking for "anything", which the text form answers with a string.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(untagged)]
enum NumberOrFlag {
    Number(i64),
    Flag(bool),
}

#[tokio::test]
async fn parameters_are_read_as_their_type_asks() {
    let incoming = get_incoming(
        "/?i=-12&f=2.5e1&b=false&s=007&lead=007&plus=%2B5&nan=NaN&inf=inf&u=9f4e0a1b-6b9a-4c65-9b5e-2e8c3b5f4d33&n=5&t=true&space=%205&d[x]=1&d[y]=2",
    )
    .await;
    assert_eq!(incoming.query::<i64>("i").expect("integer"), -12);
    assert_eq!(incoming.query::<f64>("f").expect("float"), 25.0);
    assert!(!incoming.query::<bool>("b").expect("boolean"));
    // Text stays text, digits and all.
    assert_eq!(incoming.query::<String>("s").expect("text"), "007");
    let uuid: uuid::Uuid = incoming.query("u").expect("a UUID");
    assert_eq!(uuid.to_string(), "9f4e0a1b-6b9a-4c65-9b5e-2e8c3b5f4d33");
    // Numbers are what JSON calls numbers: no leading zeros, `+`, `NaN` or `inf`.
    for name in ["lead", "plus"] {
        let refused = bad_request(incoming.query::<i64>(name)).await;
        assert_eq!(refused["name"], name);
    }
    for name in ["nan", "inf"] {
        let refused = bad_request(incoming.query::<f64>(name)).await;
        assert_eq!(refused["name"], name);
    }
    // JSON's own leniency is kept (the slow path reads what `serde_json` reads).
    assert_eq!(incoming.query::<i64>("space").expect("JSON reads ` 5`"), 5);
    // A union asking for anything gets text first, then the JSON value the text spells.
    let number: NumberOrFlag = incoming.query("n").expect("a number");
    assert_eq!(number, NumberOrFlag::Number(5));
    let flag: NumberOrFlag = incoming.query("t").expect("a flag");
    assert_eq!(flag, NumberOrFlag::Flag(true));
    let as_text: Value = incoming.query("n").expect("any value");
    assert_eq!(as_text, json!("5"), "anything is read as the text it is");
    let deep: BTreeMap<String, i64> = incoming.query_deep("d").expect("numbers by name");
    assert_eq!(deep, BTreeMap::from([("x".into(), 1), ("y".into(), 2)]));
    let refused = bad_request(incoming.query::<Vec<i64>>("i")).await;
    assert_eq!(refused["name"], "i", "one value is not a list");
}
