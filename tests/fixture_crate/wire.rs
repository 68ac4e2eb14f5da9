//! Runs inside the crate generated from `tests/fixtures/` (see `tests/fixtures_compile.rs`): the
//! `client_styles` client against a recording server on 127.0.0.1, for every parameter style,
//! body kind, response shape and credential kind the seed APIs do not use, and for path values
//! that must not change the path.

mod bodies;
mod constraints;
mod discriminator;
mod recorder;
mod server;
mod unions;

use std::collections::BTreeMap;

use apis::client_styles::client::{
    Client, Error, GetItemError, GetItemParams, GetItemSuccess, ListMembersParams, ListPagesParams,
};
use apis::client_styles::models::Item;
use futures::StreamExt;
use recorder::{Recorder, Reply};

const ITEM: &str = r#"{"name":"pen","count":2}"#;

fn labels() -> Vec<String> {
    vec!["a".to_owned(), "b c".to_owned()]
}

fn matrix() -> Vec<String> {
    vec!["x".to_owned(), "y".to_owned()]
}

fn request_id() -> uuid::Uuid {
    uuid::Uuid::parse_str("0f9e6c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6").expect("UUID")
}

#[tokio::test]
async fn every_style_on_the_wire() {
    let recorder = Recorder::start(|_, _| {
        Reply::new(
            200,
            &[("Content-Type", "application/json"), ("ETag", "v1"), ("X-Rate-Remaining", "5")],
            ITEM.as_bytes(),
        )
    })
    .await;
    let client = Client::new(&recorder.base_url)
        .expect("client")
        .with_api_key_query("q key")
        .with_api_key_cookie("c;key");
    let params = GetItemParams {
        tags: Some(vec!["t1".to_owned(), "t,2".to_owned()]),
        spaced: Some(vec![1, 2]),
        piped: Some(vec!["p".to_owned(), "q".to_owned()]),
        filter: Some(BTreeMap::from([
            ("a".to_owned(), "1".to_owned()),
            ("b c".to_owned(), "2".to_owned()),
        ])),
        flag: Some(true),
        ratio: Some(0.5),
        x_trace: Some(vec!["u".to_owned(), "v".to_owned()]),
        session: Some("s 1".to_owned()),
    };
    let result = client
        .get_item(7, &labels(), &matrix(), request_id(), &params)
        .await
        .expect("a documented 200");
    let request = recorder.only_request();
    assert_eq!(request.path(), "/items/7/.a,b%20c/;matrix=x;matrix=y");
    assert_eq!(
        request.query(),
        "tags=t1,t%2C2&spaced=1%202&piped=p|q&filter[a]=1&filter[b%20c]=2&flag=true&ratio=0.5\
         &api_key=q%20key"
    );
    assert_eq!(request.header("x-request-id"), Some("0f9e6c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6"));
    assert_eq!(request.header("x-trace"), Some("u,v"));
    assert_eq!(request.header("cookie"), Some("session=s%201; token=c%3Bkey"));
    assert_eq!(
        request.header("accept"),
        Some("application/json, text/plain, application/problem+json, application/octet-stream")
    );
    assert_eq!(request.header("authorization"), None);
    assert_eq!(request.header_names(), ["accept", "cookie", "host", "x-request-id", "x-trace"]);
    let GetItemSuccess::Ok(response) = result else {
        unreachable!("a 200 is GetItemSuccess::Ok, got {result:?}");
    };
    assert_eq!(response.headers.e_tag, "v1");
    assert_eq!(response.headers.x_rate_remaining, Some(5));
    assert_eq!(response.body.name, "pen");
}

#[tokio::test]
async fn every_documented_response_shape() {
    let recorder = Recorder::start(|_, index| match index {
        0 => Reply::new(201, &[("Content-Type", "text/plain")], b"made it"),
        1 => Reply::new(204, &[], b""),
        2 => Reply::new(404, &[("Content-Type", "application/problem+json")], br#"{"title":"gone"}"#),
        3 => Reply::new(418, &[("Content-Type", "text/plain")], b"teapot"),
        4 => Reply::new(503, &[("Content-Type", "application/octet-stream")], b"\x00\x01"),
        _ => Reply::new(200, &[("Content-Type", "application/json")], ITEM.as_bytes()),
    })
    .await;
    let client = Client::new(&recorder.base_url).expect("client").with_basic_auth("ann", "pa:ss");
    let (labels, matrix, params) = (labels(), matrix(), GetItemParams::default());
    let call = || client.get_item(1, &labels, &matrix, request_id(), &params);

    let created = call().await.expect("201");
    assert!(matches!(&created, GetItemSuccess::Created(r) if r.body == "made it"), "{created:?}");
    let empty = call().await.expect("204");
    assert!(matches!(&empty, GetItemSuccess::NoContent(r) if r.status.as_u16() == 204), "{empty:?}");
    let missing = call().await.expect_err("404");
    assert!(
        matches!(&missing, Error::Documented { error: GetItemError::NotFound(r), .. } if r.body.title.as_deref() == Some("gone")),
        "{missing:?}"
    );
    let teapot = call().await.expect_err("418");
    assert!(
        matches!(&teapot, Error::Documented { error: GetItemError::ClientError(r), .. } if r.body == b"teapot"),
        "{teapot:?}"
    );
    let other = call().await.expect_err("503");
    assert!(
        matches!(&other, Error::Documented { error: GetItemError::Default(r), .. } if r.body == b"\x00\x01"),
        "{other:?}"
    );
    let headerless = call().await.expect_err("200 without the required ETag");
    assert!(
        matches!(&headerless, Error::InvalidResponse { reason, .. } if reason.contains("etag")),
        "{headerless:?}"
    );
    for request in recorder.requests() {
        // `ann:pa:ss` in base64.
        assert_eq!(request.header("authorization"), Some("Basic YW5uOnBhOnNz"));
        assert_eq!(request.header("cookie"), None);
    }
}

#[tokio::test]
async fn path_values_never_change_the_path() {
    let recorder = Recorder::start(|_, _| Reply::json("application/json", "[]")).await;
    let client = Client::new(&recorder.base_url).expect("client");
    let params = ListMembersParams::default();
    for group in ["../x", "a/b", "a b?c#d", "%2F", "..x"] {
        client.list_members(group, &params).await.expect("200");
    }
    let targets: Vec<String> = recorder.requests().iter().map(|r| r.target.clone()).collect();
    assert_eq!(
        targets,
        [
            "/groups/..%2Fx/members",
            "/groups/a%2Fb/members",
            "/groups/a%20b%3Fc%23d/members",
            "/groups/%252F/members",
            "/groups/..x/members",
        ]
    );
    for group in ["..", ".", ""] {
        let error = client.list_members(group, &params).await.expect_err("refused");
        assert!(matches!(error, Error::InvalidRequest(_)), "{group:?}: {error:?}");
    }
    assert_eq!(recorder.requests().len(), 5, "refused values sent nothing");
}

#[tokio::test]
async fn form_binary_and_text_bodies_with_their_credentials() {
    let recorder = Recorder::start(|request, _| match request.path() {
        "/forms" => Reply::new(200, &[("Content-Type", "text/plain")], b"ok"),
        "/upload" => Reply::new(204, &[], b""),
        _ => Reply::new(201, &[("Content-Type", "application/json")], br#"{"id":1}"#),
    })
    .await;
    let client = Client::new(&recorder.base_url)
        .expect("client")
        .with_digest_auth("Digest username=\"ann\"")
        .with_oauth("oauth-token");
    let item = Item {
        name: "a b&c".to_owned(),
        count: Some(3),
    };
    assert_eq!(client.submit_form(&item).await.expect("200").body, "ok");
    client.upload(Some(vec![0, 159, 255])).await.expect("204");
    client.upload(None).await.expect("204");
    let note = client.add_note("remember ✓").await.expect("201");
    assert_eq!(note.body, serde_json::json!({"id": 1}));

    let requests = recorder.requests();
    assert_eq!(requests[0].header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(requests[0].body, b"name=a%20b%26c&count=3");
    assert_eq!(requests[0].header("authorization"), Some("Digest username=\"ann\""));
    assert_eq!(requests[1].method, "PUT");
    assert_eq!(requests[1].header("content-type"), Some("application/octet-stream"));
    assert_eq!(requests[1].body, [0, 159, 255]);
    assert_eq!(requests[1].header("authorization"), Some("Bearer oauth-token"));
    assert_eq!(requests[2].header("content-type"), None, "an optional body left out");
    assert_eq!(requests[3].header("content-type"), Some("text/plain"));
    assert_eq!(requests[3].body, "remember ✓".as_bytes());
    assert_eq!(requests[3].header("authorization"), None, "add_note declares no security");
}

#[tokio::test]
async fn renamed_page_parameters_from_the_extension() {
    let recorder = Recorder::start(|request, _| {
        let body = if request.query().contains("p=1&") { format!("[{ITEM},{ITEM}]") } else { format!("[{ITEM}]") };
        Reply::new(200, &[("Content-Type", "application/json")], body.as_bytes())
    })
    .await;
    let client = Client::new(&recorder.base_url).expect("client");
    let params = ListPagesParams {
        per_page: Some(2),
        ..ListPagesParams::default()
    };
    let items: Vec<_> = client.list_pages_stream(params).collect().await;
    assert_eq!(items.len(), 3);
    let queries: Vec<String> = recorder.requests().iter().map(|r| r.query().to_owned()).collect();
    assert_eq!(queries, ["p=1&per_page=2", "p=2&per_page=2"]);
}

#[tokio::test]
async fn a_next_page_past_an_int32_page_parameter_ends_the_walk_with_an_error() {
    let recorder = Recorder::start(|_, _| {
        let link = "</pages?p=2147483648>; rel=\"next\"";
        let headers = [("Content-Type", "application/json"), ("Link", link)];
        Reply::new(200, &headers, format!("[{ITEM}]").as_bytes())
    })
    .await;
    let client = Client::new(&recorder.base_url).expect("client");
    let params = ListPagesParams {
        p: Some(i32::MAX - 1),
        ..ListPagesParams::default()
    };
    let items: Vec<_> = client.list_pages_stream(params).collect().await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].is_ok(), "{items:?}");
    assert!(matches!(&items[1], Err(Error::Pagination(reason)) if reason.contains("2147483648")), "{items:?}");
    let queries: Vec<String> = recorder.requests().iter().map(|r| r.query().to_owned()).collect();
    assert_eq!(queries, ["p=2147483646"]);
}

#[tokio::test]
async fn a_body_that_never_ends_stops_at_the_configured_limit() {
    let recorder = Recorder::start(|_, _| Reply::Endless {
        status: 200,
        content_type: "application/json",
    })
    .await;
    let client = Client::new(&recorder.base_url).expect("client").with_body_limit(1024);
    let error = client
        .list_unpaged(&Default::default())
        .await
        .expect_err("endless");
    assert!(matches!(error, Error::BodyTooLarge { limit: 1024, .. }), "{error:?}");
}

/// Parameters named like the method's own locals (`request`, `response`, `params`, `path`) are
/// sent with their own values, not the locals' (once `let path = "<template>"` shadowed a `path`
/// parameter and sent the template).
#[tokio::test]
async fn parameters_named_like_locals_send_their_own_values() {
    use apis::names_like_locals::client::{Client as Locals, PathParams};
    let recorder = Recorder::start(|_, _| {
        Reply::new(200, &[("Content-Type", "application/json")], b"\"ok\"")
    })
    .await;
    let client = Locals::new(&recorder.base_url).expect("client");
    let params = PathParams {
        self_: Some("me".to_owned()),
    };
    let response = client
        .path("p 1", "the-path", "the-request", "the-response", &params)
        .await
        .expect("a 200");
    assert_eq!(response.body, "ok");
    let sent = recorder.only_request();
    assert_eq!(
        sent.target,
        "/things/p%201?path=the-path&request=the-request&self=me"
    );
    assert!(
        sent.headers
            .iter()
            .any(|(name, value)| name == "response" && value == "the-response"),
        "{:?}",
        sent.headers
    );
}
