//! Requests that break the spec, sent byte for byte over TCP: each gets the status the router
//! promises and a JSON error naming what is wrong, and the server keeps answering.

use apis::graalsystems::server as graal_server;
use apis::waldur::server as waldur_server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::serve;
use crate::store::{GraalStore, WaldurStore};

/// A response as received: status, headers (lowercased names) and body.
struct Answer {
    status: u16,
    headers: String,
    body: String,
}

async fn send(base_url: &str, head: &str, body: &[u8]) -> Answer {
    let address = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let request = format!(
        "{head}\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("send head");
    // A server may answer (413) before reading all of a huge body and close: not an error here.
    let _ = stream.write_all(body).await;
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received).await;
    let text = String::from_utf8_lossy(&received).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    Answer {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_owned(),
    }
}

/// Asserts a JSON error with `status`, naming `name` in `location`.
fn assert_rejected(answer: &Answer, status: u16, location: &str, name: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert!(
        answer.headers.contains("content-type: application/json"),
        "{}",
        answer.headers
    );
    let error: serde_json::Value = serde_json::from_str(&answer.body).expect("a JSON error");
    assert_eq!(error["status"], status);
    assert_eq!(error["in"], location, "{error}");
    if name.is_empty() {
        assert!(error["name"].is_null(), "{error}");
    } else {
        assert_eq!(error["name"], name, "{error}");
    }
    assert!(
        error["error"].as_str().is_some_and(|text| !text.is_empty()),
        "{error}"
    );
}

#[tokio::test]
async fn waldur_requests_that_break_the_spec() {
    let base_url = serve(waldur_server::router(WaldurStore::sample(3))).await;
    let list = "/api/slurm-allocation-user-usage/";
    let token = "Authorization: Token t";

    let anonymous = send(&base_url, &format!("GET {list} HTTP/1.1"), b"").await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
    assert!(anonymous.body.contains("credentials are required"));

    let answer = send(
        &base_url,
        &format!("GET {list}?page=abc HTTP/1.1\r\n{token}"),
        b"",
    )
    .await;
    assert_rejected(&answer, 400, "query", "page");
    let answer = send(
        &base_url,
        &format!("GET {list}?allocation_uuid=not-a-uuid HTTP/1.1\r\n{token}"),
        b"",
    )
    .await;
    assert_rejected(&answer, 400, "query", "allocation_uuid");
    let answer = send(&base_url, &format!("GET {list}x/ HTTP/1.1\r\n{token}"), b"").await;
    assert_rejected(&answer, 400, "path", "id");
    // An unformatted `type: integer` is an `i64`: past it is a 400 that says so, not "float".
    let huge = format!("GET {list}?page_size=-99999999999999999999 HTTP/1.1\r\n{token}");
    let answer = send(&base_url, &huge, b"").await;
    assert_rejected(&answer, 400, "query", "page_size");
    assert!(
        answer
            .body
            .contains("integer -99999999999999999999 is out of range"),
        "{}",
        answer.body
    );
    // The smallest `page` is no page at all (Django's 404), not a panic in the example store.
    let lowest = format!("GET {list}?page=-9223372036854775808 HTTP/1.1\r\n{token}");
    assert_eq!(send(&base_url, &lowest, b"").await.status, 404);
    let answer = send(
        &base_url,
        &format!(
            "GET /api/marketplace-component-user-usages/?date_after=yesterday HTTP/1.1\r\n{token}"
        ),
        b"",
    )
    .await;
    assert_rejected(&answer, 400, "query", "date_after");
    let not_a_uri = format!("GET {list}?user=not%20a%20url HTTP/1.1\r\n{token}");
    assert_rejected(
        &send(&base_url, &not_a_uri, b"").await,
        400,
        "query",
        "user",
    );
    let empty_uri = format!("GET {list}?allocation= HTTP/1.1\r\n{token}");
    assert_rejected(
        &send(&base_url, &empty_uri, b"").await,
        400,
        "query",
        "allocation",
    );
    let components = "/api/marketplace-component-user-usages/";
    let bad_o = format!("GET {components}?o=-usage,bogus HTTP/1.1\r\n{token}");
    assert_rejected(&send(&base_url, &bad_o, b"").await, 400, "query", "o.1");
    let bad_field = format!("GET {components}?field=uuid&field=colour HTTP/1.1\r\n{token}");
    assert_rejected(
        &send(&base_url, &bad_field, b"").await,
        400,
        "query",
        "field.1",
    );
    let empty_o = format!("GET {components}?o= HTTP/1.1\r\n{token}");
    assert_eq!(
        send(&base_url, &empty_o, b"").await.status,
        200,
        "`o=` is an empty list"
    );
    let good_o = format!("GET {components}?o=-usage,username HTTP/1.1\r\n{token}");
    assert_eq!(send(&base_url, &good_o, b"").await.status, 200);
    let answer = send(
        &base_url,
        &format!("DELETE {list} HTTP/1.1\r\n{token}"),
        b"",
    )
    .await;
    assert_eq!(answer.status, 405);
    let answer = send(
        &base_url,
        &format!("GET /api/slurm-allocation-user-usage HTTP/1.1\r\n{token}"),
        b"",
    )
    .await;
    assert_eq!(answer.status, 404, "the trailing slash is part of the path");

    let fine = send(
        &base_url,
        &format!("GET {list}?page=1&page_size=2 HTTP/1.1\r\n{token}"),
        b"",
    )
    .await;
    assert_eq!(fine.status, 200, "{}", fine.body);
    assert!(
        fine.headers.contains("x-result-count: 3"),
        "{}",
        fine.headers
    );
    assert!(
        fine.headers.contains("content-type: application/json"),
        "{}",
        fine.headers
    );
}

#[tokio::test]
async fn graal_requests_that_break_the_spec() {
    let base_url = serve(graal_server::router(GraalStore::default())).await;
    let bearer = "Authorization: Bearer t";
    let vendor = "Content-Type: application/vnd.graal.systems.v1.usage+json";

    let answer = send(&base_url, &format!("GET /usages HTTP/1.1\r\n{bearer}"), b"").await;
    assert_rejected(&answer, 400, "header", "X-Tenant");
    let answer = send(&base_url, "GET /usages HTTP/1.1\r\nX-Tenant: a", b"").await;
    assert_eq!(answer.status, 401);
    let answer = send(
        &base_url,
        &format!("GET /usages?from=May HTTP/1.1\r\n{bearer}\r\nX-Tenant: a"),
        b"",
    )
    .await;
    assert_rejected(&answer, 400, "query", "from");

    let null_date = format!("GET /usages?to=null HTTP/1.1\r\n{bearer}\r\nX-Tenant: a");
    assert_rejected(&send(&base_url, &null_date, b"").await, 400, "query", "to");

    let post = format!("POST /usages HTTP/1.1\r\n{bearer}\r\nX-Tenant: a");
    let answer = send(
        &base_url,
        &format!("{post}\r\n{vendor}"),
        b"{\"quantity\": 1,",
    )
    .await;
    assert_rejected(&answer, 400, "body", "");
    let answer = send(
        &base_url,
        &format!("{post}\r\n{vendor}"),
        br#"{"quantity": "lots"}"#,
    )
    .await;
    assert_rejected(&answer, 400, "body", "quantity");
    let gold = br#"{"product_type": "GOLD"}"#;
    let answer = send(&base_url, &format!("{post}\r\n{vendor}"), gold).await;
    assert_rejected(&answer, 400, "body", "product_type");
    let answer = send(
        &base_url,
        &format!("{post}\r\nContent-Type: application/json"),
        b"{}",
    )
    .await;
    assert_rejected(&answer, 415, "header", "Content-Type");
    let answer = send(&base_url, &format!("{post}\r\n{vendor}"), b"").await;
    assert_rejected(&answer, 400, "body", "");
    let huge = vec![b' '; 3 * 1024 * 1024];
    let answer = send(&base_url, &format!("{post}\r\n{vendor}"), &huge).await;
    assert_eq!(answer.status, 413, "axum's default body limit is 2 MiB");

    let fine = send(
        &base_url,
        &format!("{post}\r\n{vendor}"),
        br#"{"quantity": 1}"#,
    )
    .await;
    assert_eq!(fine.status, 200, "{}", fine.body);
    assert!(
        fine.headers
            .contains("content-type: application/vnd.graal.systems.v1.usage+json"),
        "{}",
        fine.headers
    );
    assert_eq!(fine.body, r#"{"quantity":1.0}"#);
}

#[tokio::test]
async fn the_body_limit_is_the_users_to_set() {
    let router = graal_server::router(GraalStore::default())
        .layer(axum::extract::DefaultBodyLimit::max(1024));
    let base_url = serve(router).await;
    let post = "POST /usages HTTP/1.1\r\nAuthorization: Bearer t\r\nX-Tenant: a\r\nContent-Type: application/vnd.graal.systems.v1.usage+json";
    let padded = format!(r#"{{"product_reference": "{}"}}"#, "x".repeat(2048));
    assert_eq!(send(&base_url, post, padded.as_bytes()).await.status, 413);
    let small = br#"{"product_reference": "vm-1"}"#;
    assert_eq!(send(&base_url, post, small).await.status, 200);
}
