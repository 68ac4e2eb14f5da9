//! The `constraints` server: every constraint kind, on parameters (path, query, header,
//! cookie) and on body fields at any depth (array items, map values, union members, `allOf`
//! parts), sent as raw HTTP. A value exactly at its limit reaches the implementation; one unit
//! past it is a 400 naming where the value is and which constraint, with its limit, it breaks.

use std::sync::{Arc, Mutex};

use apis::constraints::server::{Api, CreateOrderReply, CreateOrderRequest, router};
use serde_json::{Value, json};

/// Counts the requests that reached the implementation.
#[derive(Default, Clone)]
struct Orders {
    seen: Arc<Mutex<Vec<CreateOrderRequest>>>,
}

impl Api for Orders {
    async fn create_order(&self, request: CreateOrderRequest) -> CreateOrderReply {
        let body = request.body.clone();
        self.seen.lock().expect("log").push(request);
        CreateOrderReply::Ok(body.into())
    }
}

struct Server {
    base: String,
    orders: Orders,
    http: reqwest::Client,
}

async fn serve() -> Server {
    let orders = Orders::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let app = router(orders.clone());
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    Server {
        base: format!("http://{address}"),
        orders,
        http: reqwest::Client::new(),
    }
}

/// The smallest valid body, with `field` set to `value` (a JSON pointer's first step).
fn body_with(field: &str, value: Value) -> Value {
    let mut body = json!({"items": [{"sku": "a", "quantity": 1}]});
    body[field] = value;
    body
}

const QUERY: &str = "month=1&ratio=0.5&step=5&tags=a";

impl Server {
    /// Sends `POST /orders/{path}?{query}` with `headers` and `body`; the status and JSON reply.
    async fn send(&self, path: &str, query: &str, headers: &[(&str, &str)], body: &Value) -> (u16, Value) {
        let mut request = self
            .http
            .post(format!("{}/orders/{path}?{query}", self.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("send");
        let status = response.status().as_u16();
        let text = response.text().await.expect("text");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn query(&self, query: &str) -> (u16, Value) {
        self.send("AB", query, &[], &body_with("email", json!("a@b.c"))).await
    }

    async fn body(&self, field: &str, value: Value) -> (u16, Value) {
        self.send("AB", QUERY, &[], &body_with(field, value)).await
    }

    fn seen(&self) -> usize {
        self.orders.seen.lock().expect("log").len()
    }
}

/// Asserts a 200 that reached the implementation.
#[track_caller]
fn accepted((status, reply): (u16, Value), server: &Server, before: usize) {
    assert_eq!(status, 200, "{reply}");
    assert_eq!(server.seen(), before + 1, "the implementation saw it");
}

/// Asserts a 400 whose violations name `location`, `place` (a parameter's name, or a JSON
/// pointer into the body) and `constraint limit`.
#[track_caller]
fn refused((status, reply): (u16, Value), location: &str, place: &str, broken: &str) {
    assert_eq!(status, 400, "{reply}");
    let violations = reply["violations"].as_array().cloned().unwrap_or_default();
    let found = violations.iter().any(|violation| {
        let named = violation["name"].as_str().map_or_else(
            || violation["pointer"].as_str() == Some(place),
            |name| name == place || format!("{name}{}", violation["pointer"].as_str().unwrap_or("")) == place,
        );
        let text = format!(
            "{} {}",
            violation["constraint"].as_str().unwrap_or(""),
            violation["limit"].as_str().unwrap_or("")
        );
        violation["in"] == location && named && text == broken
    });
    assert!(found, "{location} {place} {broken} in {reply}");
}

#[tokio::test]
async fn path_parameter_lengths_and_pattern() {
    let server = serve().await;
    let body = body_with("email", json!("a@b.c"));
    for code in ["AB", "ABCD"] {
        let before = server.seen();
        accepted(server.send(code, QUERY, &[], &body).await, &server, before);
    }
    refused(server.send("A", QUERY, &[], &body).await, "path", "code", "minLength 2");
    refused(server.send("ABCDE", QUERY, &[], &body).await, "path", "code", "maxLength 4");
    refused(server.send("Ab", QUERY, &[], &body).await, "path", "code", "pattern ^[A-Z]+$");
}

#[tokio::test]
async fn query_parameter_bounds_steps_and_lists() {
    let server = serve().await;
    for query in [
        "month=1", "month=12", "ratio=0.001", "ratio=0.999", "step=10", "step=-5",
        "tags=abc", "tags=a&tags=b&tags=c",
    ] {
        let before = server.seen();
        accepted(server.query(query).await, &server, before);
    }
    refused(server.query("month=0").await, "query", "month", "minimum 1");
    refused(server.query("month=13").await, "query", "month", "maximum 12");
    refused(server.query("ratio=0").await, "query", "ratio", "exclusiveMinimum 0");
    refused(server.query("ratio=1").await, "query", "ratio", "exclusiveMaximum 1");
    refused(server.query("step=11").await, "query", "step", "multipleOf 5");
    refused(server.query("tags=a&tags=b&tags=c&tags=d").await, "query", "tags", "maxItems 3");
    refused(server.query("tags=a&tags=a").await, "query", "tags", "uniqueItems true");
    refused(server.query("tags=a&tags=abcd").await, "query", "tags/1", "maxLength 3");
}

#[tokio::test]
async fn deep_object_parameters_and_query_formats() {
    let server = serve().await;
    for query in [
        "filter[a]=abc",
        "filter[a]=x&filter[b]=y",
        "window[from]=0&window[to]=10",
        "contact=ann@example.com",
    ] {
        let before = server.seen();
        accepted(server.query(query).await, &server, before);
    }
    let three = "filter[a]=x&filter[b]=y&filter[c]=z";
    refused(server.query(three).await, "query", "filter", "maxProperties 2");
    refused(server.query("filter[a]=abcd").await, "query", "filter/a", "maxLength 3");
    refused(server.query("window[from]=-1").await, "query", "window/from", "minimum 0");
    refused(server.query("window[to]=11").await, "query", "window/to", "maximum 10");
    refused(server.query("contact=ann.example.com").await, "query", "contact", "format email");
    // `additionalProperties: false`: a key the object does not name is refused.
    let before = server.seen();
    let (status, reply) = server.query("window[from]=1&window[step]=2").await;
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["name"], "window", "{reply}");
    assert!(reply["error"].as_str().unwrap_or_default().contains("additionalProperties false"), "{reply}");
    assert_eq!(server.seen(), before);
}

#[tokio::test]
async fn header_and_cookie_parameters() {
    let server = serve().await;
    let body = body_with("email", json!("a@b.c"));
    let before = server.seen();
    let sent = server
        .send("AB", QUERY, &[("x-client", "10.0.0.255"), ("cookie", "session=12345678")], &body)
        .await;
    accepted(sent, &server, before);
    let sent = server.send("AB", QUERY, &[("x-client", "10.0.0.256")], &body).await;
    refused(sent, "header", "X-Client", "format ipv4");
    let sent = server.send("AB", QUERY, &[("cookie", "session=1234567")], &body).await;
    refused(sent, "cookie", "session", "minLength 8");
}

#[tokio::test]
async fn body_strings_formats_and_patterns() {
    let server = serve().await;
    let cases = [
        ("email", json!("ann@example.com"), json!("ann@"), "format email"),
        ("host", json!("::1"), json!("::g"), "format ipv6"),
        ("data", json!("aGk="), json!("aGk"), "format byte"),
        ("site", json!("https://example.com/a"), json!("example com"), "format uri"),
        ("amount", json!("12.50"), json!("12.501"), r"pattern ^-?\d{0,18}(?:\.\d{0,2})?$"),
        ("month", json!(12), json!(13), "maximum 12"),
    ];
    for (field, good, bad, broken) in cases {
        let before = server.seen();
        accepted(server.body(field, good).await, &server, before);
        refused(server.body(field, bad).await, "body", &format!("/{field}"), broken);
    }
    // Dates, date-times and UUIDs are types: a value that is not one does not read.
    for (field, bad) in [("day", "2024-02-30"), ("at", "2024-01-01"), ("ref", "not-a-uuid")] {
        let (status, reply) = server.body(field, json!(bad)).await;
        assert_eq!(status, 400, "{reply}");
        assert_eq!(reply["in"], "body", "{reply}");
    }
}

#[tokio::test]
async fn items_deep_in_the_body_are_named_by_pointer() {
    let server = serve().await;
    let item = |sku: &str, quantity: i64, price: f64| json!({"sku": sku, "quantity": quantity, "price": price});
    let many = |count: usize| Value::Array((0..count).map(|_| item("a", 1, 0.5)).collect());
    for items in [many(1), many(300), json!([item("abcdefgh", 99, 19.99)]), json!([item("a", 1, 0.0)])] {
        let before = server.seen();
        accepted(server.body("items", items).await, &server, before);
    }
    refused(server.body("items", json!([])).await, "body", "/items", "minItems 1");
    refused(server.body("items", many(301)).await, "body", "/items", "maxItems 300");
    let mut four = many(4);
    four[3]["quantity"] = json!(100);
    refused(server.body("items", four.clone()).await, "body", "/items/3/quantity", "maximum 99");
    four[3]["quantity"] = json!(0);
    refused(server.body("items", four).await, "body", "/items/3/quantity", "minimum 1");
    refused(server.body("items", json!([item("", 1, 1.0)])).await, "body", "/items/0/sku", "minLength 1");
    refused(server.body("items", json!([item("abcdefghi", 1, 1.0)])).await, "body", "/items/0/sku", "maxLength 8");
    refused(server.body("items", json!([item("a", 1, 0.015)])).await, "body", "/items/0/price", "multipleOf 0.01");
    refused(server.body("items", json!([item("a", 1, -0.01)])).await, "body", "/items/0/price", "minimum 0");
    for (field, good, bad, broken) in [
        ("codes", json!([1, 2, 3]), json!([1, 2, 1]), "uniqueItems true"),
        ("discount", json!(99.99), json!(100), "exclusiveMaximum 100"),
    ] {
        let before = server.seen();
        accepted(server.body(field, good).await, &server, before);
        refused(server.body(field, bad).await, "body", &format!("/{field}"), broken);
    }
}

#[tokio::test]
async fn map_values_union_members_and_all_of_parts() {
    let server = serve().await;
    for (field, value) in [
        ("labels", json!({"a": "12345"})),
        ("labels", json!({"a": "", "b": ""})),
        ("shape", json!({"radius": 0.001})),
        ("shape", json!({"side": 10})),
        ("note", json!({"title": "0123456789", "body": "x"})),
    ] {
        let before = server.seen();
        accepted(server.body(field, value).await, &server, before);
    }
    refused(server.body("labels", json!({"a": "123456"})).await, "body", "/labels/a", "maxLength 5");
    refused(server.body("labels", json!({})).await, "body", "/labels", "minProperties 1");
    refused(server.body("labels", json!({"a": "", "b": "", "c": ""})).await, "body", "/labels", "maxProperties 2");
    refused(server.body("shape", json!({"radius": 0})).await, "body", "/shape/radius", "exclusiveMinimum 0");
    refused(server.body("shape", json!({"side": 11})).await, "body", "/shape/side", "maximum 10");
    refused(server.body("note", json!({"title": "0123456789a"})).await, "body", "/note/title", "maxLength 10");
    refused(server.body("note", json!({"body": ""})).await, "body", "/note/body", "minLength 1");
}

#[tokio::test]
async fn closed_objects_and_property_counts() {
    let server = serve().await;
    for value in [json!({"a": 1}), json!({"a": 1, "b": 2})] {
        let before = server.seen();
        accepted(server.body("closed", value).await, &server, before);
    }
    refused(server.body("closed", json!({})).await, "body", "/closed", "minProperties 1");
    refused(server.body("closed", json!({"a": 1, "b": 2, "c": 3})).await, "body", "/closed", "maxProperties 2");
    let before = server.seen();
    let (status, reply) = server.body("closed", json!({"a": 1, "d": 4})).await;
    assert_eq!(status, 400, "{reply}");
    let error = reply["error"].as_str().unwrap_or_default();
    assert!(error.contains("`d` is not a property (additionalProperties false)"), "{reply}");
    assert_eq!(server.seen(), before);
    // The same object elsewhere than in a request, as a client reads it, keeps going.
    let read: apis::constraints::models::Closed = serde_json::from_value(json!({"a": 1, "d": 4})).expect("lenient");
    assert_eq!(read.a, Some(1));
}

#[tokio::test]
async fn read_only_properties_are_refused_in_requests() {
    let server = serve().await;
    refused(server.body("id", json!("x")).await, "body", "/id", "readOnly true");
}

#[tokio::test]
async fn several_violations_are_listed_together_up_to_ten() {
    let server = serve().await;
    let mut body = body_with("month", json!(13));
    body["labels"] = json!({});
    let (status, reply) = server.send("A", "month=0", &[], &body).await;
    assert_eq!(status, 400, "{reply}");
    let violations = reply["violations"].as_array().cloned().unwrap_or_default();
    assert_eq!(violations.len(), 4, "{reply}");
    assert_eq!(reply["in"], "path");
    assert_eq!(reply["name"], "code");
    assert_eq!(reply["error"], "`code` breaks `minLength 2`");
    let items: Vec<Value> = (0..30).map(|_| json!({"sku": "", "quantity": 0})).collect();
    let (status, reply) = server.body("items", Value::Array(items)).await;
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["violations"].as_array().map(Vec::len), Some(10), "{reply}");
}

#[tokio::test]
async fn write_only_properties_are_read_from_requests_and_left_out_of_replies() {
    let server = serve().await;
    let (status, reply) = server.body("secret", json!("hunter2")).await;
    assert_eq!(status, 200, "{reply}");
    let seen = server.orders.seen.lock().expect("log").last().map(|r| r.body.secret.clone());
    assert_eq!(seen, Some(Some("hunter2".to_owned())), "the implementation reads it");
    assert!(reply.get("secret").is_none(), "the reply leaves it out: {reply}");
    assert_eq!(reply["items"][0]["sku"], "a", "{reply}");
    // Anywhere else (a client's request) it is written.
    let order: apis::constraints::models::Order =
        serde_json::from_value(body_with("secret", json!("hunter2"))).expect("order");
    let written = serde_json::to_value(&order).expect("JSON");
    assert_eq!(written["secret"], "hunter2");
}
