//! Allocations per request of the generated retrieve handler against a hand-written axum handler
//! serving the same shared record (`bench_runtime/src/fixture.rs`, what `cargo xtask bench
//! --runtime` times): the generated one may cost at most 10% more. A counting global allocator
//! (`stats_alloc`) sees every allocation of one request through the router (`oneshot`) and of
//! reading its body.
//! This binary holds this one test, so nothing else allocates while it counts.

#[path = "../bench_runtime/src/fixture.rs"]
mod fixture;

use std::alloc::System;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::Request;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use tower::ServiceExt;

use fixture::{AUTHORIZATION_VALUE, HandWritten, Records, retrieve_path};

#[global_allocator]
static ALLOCATOR: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The fewest allocations of one `GET uri` through `router` (and reading the body) over a few
/// runs, after a warm-up; the status must be 200.
async fn allocations(router: &Router, uri: &str) -> usize {
    let mut fewest = usize::MAX;
    for _ in 0..5 {
        let request = Request::get(uri)
            .header("authorization", AUTHORIZATION_VALUE)
            .header("accept", "application/json")
            .body(Body::empty())
            .expect("request");
        let router = router.clone();
        let region = Region::new(ALLOCATOR);
        let response = router.oneshot(request).await.expect("infallible");
        let status = response.status();
        let body = to_bytes(response.into_body(), usize::MAX).await;
        let change = region.change();
        assert_eq!(status, 200, "{uri}");
        assert!(body.expect("body").len() > 500, "{uri}");
        // A reallocation is an allocation too (a growing buffer pays for each).
        fewest = fewest.min(change.allocations + change.reallocations);
    }
    fewest
}

#[tokio::test]
async fn generated_retrieve_allocates_within_ten_percent_of_hand_written() {
    let records = Records::new(300);
    let uuid = records.0[150].uuid.expect("uuid");
    let generated = fixture::generated(records.clone());
    let hand_written = fixture::hand_written(records.clone(), HandWritten::Sharing);
    let copying = fixture::hand_written(records, HandWritten::Copying);
    let path = retrieve_path(uuid);
    for uri in [path.clone(), format!("{path}?field=uuid")] {
        let ours = allocations(&generated, &uri).await;
        let theirs = allocations(&hand_written, &uri).await;
        let copies = allocations(&copying, &uri).await;
        println!(
            "{uri}: generated {ours} allocations, hand-written {theirs} (copying the record {copies})"
        );
        assert!(
            ours * 10 <= theirs * 11,
            "{uri}: the generated handler allocates {ours} times, the hand-written one {theirs}"
        );
    }
}
