//! Everything a server can get wrong reaches the caller as a typed error that keeps what was
//! received: undocumented statuses, wrong content types, truncated, malformed or mismatched JSON,
//! bodies cut short, bodies that never end or are too large, bad headers. Nothing panics.

use apis::graalsystems::client::{self as graal, FindUsagesParams};
use apis::graalsystems::models::Usage;
use apis::waldur::client::{
    self as waldur, SlurmAllocationUserUsageListError as ListError,
    SlurmAllocationUserUsageListParams,
};

use crate::recorder::{Recorder, Reply};

/// The Slurm list's error.
type Error = waldur::Error<ListError>;

async fn slurm_list(recorder: &Recorder) -> Result<usize, Error> {
    let client = waldur::Client::new(&recorder.base_url)
        .expect("client")
        .with_body_limit(64 * 1024);
    let params = SlurmAllocationUserUsageListParams::default();
    let response = client.slurm_allocation_user_usage_list(&params).await?;
    Ok(response.body.len())
}

#[tokio::test]
async fn waldurs_error_statuses_are_documented_variants_with_their_json() {
    // Declared in spec/waldur.yaml from UPSTREAM.md (upstream itself declares only 200).
    for status in [400, 401, 403, 404] {
        let recorder = Recorder::start(move |_, _| {
            Reply::new(
                status,
                &[("Content-Type", "application/json")],
                br#"{"detail":"Invalid token."}"#,
            )
        })
        .await;
        let error = slurm_list(&recorder).await.expect_err("an error status");
        let Error::Documented {
            status: carried,
            error: documented,
        } = &error
        else {
            panic!("expected the documented {status}, got {error:?}");
        };
        assert_eq!(carried.as_u16(), status);
        let body = match documented {
            ListError::BadRequest(response)
            | ListError::Unauthorized(response)
            | ListError::Forbidden(response)
            | ListError::NotFound(response) => {
                assert_eq!(response.status.as_u16(), status);
                &response.body
            }
        };
        assert_eq!(body["detail"], "Invalid token.");
    }
}

#[tokio::test]
async fn undocumented_statuses_keep_status_headers_and_body() {
    for status in [409, 500, 502] {
        let recorder = Recorder::start(move |_, _| {
            Reply::new(
                status,
                &[("Content-Type", "application/json")],
                br#"{"detail":"Invalid token."}"#,
            )
        })
        .await;
        let error = slurm_list(&recorder)
            .await
            .expect_err("undocumented status");
        let Error::UnexpectedStatus(response) = &error else {
            panic!("expected UnexpectedStatus, got {error:?}");
        };
        assert_eq!(response.status.as_u16(), status);
        assert_eq!(response.header_map["content-type"], "application/json");
        assert_eq!(response.text(), r#"{"detail":"Invalid token."}"#);
        assert!(error.to_string().contains(&status.to_string()), "{error}");
    }
}

/// Asserts `error` is `InvalidResponse` whose reason contains `reason` and whose raw body is `body`.
fn assert_invalid(error: &Error, reason: &str, body: &[u8]) {
    let Error::InvalidResponse {
        reason: actual,
        response,
    } = error
    else {
        panic!("expected InvalidResponse, got {error:?}");
    };
    assert!(
        actual.contains(reason),
        "reason `{actual}` lacks `{reason}`"
    );
    assert_eq!(response.body, body);
}

#[tokio::test]
async fn a_wrong_content_type_is_an_invalid_response_with_the_body_kept() {
    let body = b"<html>maintenance</html>";
    let recorder =
        Recorder::start(|_, _| Reply::json("text/html", "<html>maintenance</html>")).await;
    let error = slurm_list(&recorder).await.expect_err("HTML is not JSON");
    assert_invalid(&error, "content type `text/html`", body);

    let recorder = Recorder::start(|_, _| Reply::new(200, &[], b"[]")).await;
    let error = slurm_list(&recorder).await.expect_err("no content type");
    assert_invalid(&error, "expected JSON", b"[]");
}

#[tokio::test]
async fn truncated_malformed_and_mismatched_json_are_invalid_responses() {
    let cases: [(&str, &str); 4] = [
        (r#"[{"month":3,"year""#, "EOF"),
        ("[{month: 3}]", "key must be a string"),
        (r#"[{"month":3,"year":2024}]"#, "missing field"),
        (r#"{"results":[]}"#, "expected a sequence"),
    ];
    for (body, reason) in cases {
        let recorder = Recorder::start(move |_, _| Reply::json("application/json", body)).await;
        let error = slurm_list(&recorder).await.expect_err("bad JSON");
        assert_invalid(&error, reason, body.as_bytes());
    }
}

#[tokio::test]
async fn a_body_cut_short_is_a_transport_error_keeping_what_arrived() {
    let recorder = Recorder::start(|_, _| {
        let mut bytes = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n".to_vec();
        bytes.extend_from_slice(b"Content-Length: 100\r\nConnection: close\r\n\r\n[{\"month\"");
        Reply::Raw(bytes)
    })
    .await;
    let error = slurm_list(&recorder).await.expect_err("cut short");
    let Error::Transport { partial, .. } = &error else {
        panic!("expected Transport, got {error:?}");
    };
    let partial = partial.as_ref().expect("status and headers had arrived");
    assert_eq!(partial.status.as_u16(), 200);
    assert!(
        b"[{\"month\"".starts_with(&partial.body),
        "{:?}",
        partial.text()
    );
}

#[tokio::test]
async fn a_body_that_never_ends_stops_at_the_limit() {
    let recorder = Recorder::start(|_, _| Reply::Endless {
        status: 200,
        content_type: "application/json",
    })
    .await;
    let error = slurm_list(&recorder).await.expect_err("endless body");
    let Error::BodyTooLarge { status, limit, .. } = &error else {
        panic!("expected BodyTooLarge, got {error:?}");
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(*limit, 64 * 1024);
}

#[tokio::test]
async fn an_announced_oversized_body_is_refused_before_reading_it() {
    let body = vec![b' '; 64 * 1024 + 1];
    let recorder = Recorder::start(move |_, _| {
        Reply::new(200, &[("Content-Type", "application/json")], &body)
    })
    .await;
    let error = slurm_list(&recorder).await.expect_err("too large");
    assert!(matches!(error, Error::BodyTooLarge { .. }), "{error:?}");
}

#[tokio::test]
async fn an_undecodable_declared_header_is_an_invalid_response() {
    let recorder = Recorder::start(|_, _| {
        Reply::new(
            200,
            &[
                ("Content-Type", "application/json"),
                ("X-Result-Count", "many"),
            ],
            b"[]",
        )
    })
    .await;
    let error = slurm_list(&recorder).await.expect_err("bad header");
    assert_invalid(&error, "x-result-count", b"[]");
}

#[tokio::test]
async fn arguments_that_cannot_be_sent_fail_before_any_request() {
    let recorder = Recorder::start(|_, _| Reply::json("application/json", "[]")).await;
    let client = graal::Client::new(&recorder.base_url).expect("client");
    let error = client
        .find_usages("tenant\r\nX-Injected: 1", &FindUsagesParams::default())
        .await
        .expect_err("a header value cannot hold a line break");
    assert!(
        matches!(error, graal::Error::InvalidRequest(_)),
        "{error:?}"
    );
    let error = client.create_usage("tenant", &Usage::default()).await;
    assert!(
        error.is_err(),
        "the server answers `[]`, which is not a Usage"
    );
    assert_eq!(
        recorder.requests().len(),
        1,
        "only the valid call reached the server"
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    drop(listener);
    let client = waldur::Client::new(&format!("http://{address}")).expect("client");
    let error = client
        .slurm_allocation_user_usage_retrieve(1)
        .await
        .expect_err("nobody listens");
    let waldur::Error::Transport { partial, .. } = &error else {
        panic!("expected Transport, got {error:?}");
    };
    assert!(partial.is_none());
    assert!(std::error::Error::source(&error).is_some());
}
