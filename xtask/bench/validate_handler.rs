//! The handler `cargo xtask bench --validate` times, copied into each of its two generated
//! crates as an example: `POST /orders` with a 300-item body, served in-process by the generated
//! router (no sockets, so the figure is the handler's: reading, checking, replying), for
//! `SECONDS` seconds after a one-second warm-up, in quarter-second trials. Prints the best
//! trial's requests per second: on a shared machine the best trial is the one least slowed by
//! others, so it is the steadiest figure of what the handler itself costs.

use std::time::{Duration, Instant};

use apis::bench::server::{Api, CreateOrderReply, CreateOrderRequest, router};
use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

struct Count;

impl Api for Count {
    async fn create_order(&self, request: CreateOrderRequest) -> CreateOrderReply {
        std::hint::black_box(&request);
        CreateOrderReply::NoContent
    }
}

/// A valid order of 300 items, each at ordinary values (every check runs and passes).
fn body() -> Vec<u8> {
    let items: Vec<String> = (0..300)
        .map(|index| {
            format!(
                r#"{{"sku":"SKU-{index:05}","quantity":{},"price":{}.{:02},"note":"item number {index}"}}"#,
                index % 999 + 1,
                index % 500,
                index % 100
            )
        })
        .collect();
    format!(
        r#"{{"customer":"Ann Example","email":"ann@example.com","items":[{}]}}"#,
        items.join(",")
    )
    .into_bytes()
}

async fn run_for(app: &axum::Router, body: &axum::body::Bytes, duration: Duration) -> u64 {
    let start = Instant::now();
    let mut count = 0;
    while start.elapsed() < duration {
        let request = Request::post("/orders")
            .header("content-type", "application/json")
            .body(Body::from(body.clone()))
            .expect("request");
        let response = app.clone().oneshot(request).await.expect("response");
        assert_eq!(response.status(), 204, "the order is accepted");
        count += 1;
    }
    count
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let seconds: u64 = std::env::var("SECONDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(3);
    let app = router(Count);
    let body = axum::body::Bytes::from(body());
    run_for(&app, &body, Duration::from_secs(1)).await;
    let trial = Duration::from_millis(250);
    let mut best: f64 = 0.0;
    for _ in 0..seconds * 4 {
        let count = run_for(&app, &body, trial).await;
        best = best.max(count as f64 / trial.as_secs_f64());
    }
    println!("{best:.0}");
}
