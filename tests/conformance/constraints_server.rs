//! Serves the `constraints` fixture (`tests/fixtures/constraints.yaml`) on 127.0.0.1 (`PORT`)
//! for Schemathesis: `cargo xtask conformance schemathesis` generates the fixture's crate,
//! copies this file in as an example and fuzzes it with every check, negative data included.
//! The implementation echoes the order; every constraint is the generated server's to check.
//! `CONSTRAINTS_SERVER_BREAK=accept-all` answers every refused request `200` instead, which
//! Schemathesis must report.

use apis::constraints::server::{Api, CreateOrderReply, CreateOrderRequest, router};
use axum::http::StatusCode;
use axum::middleware::map_response;
use axum::response::Response;

struct Echo;

impl Api for Echo {
    async fn create_order(&self, request: CreateOrderRequest) -> CreateOrderReply {
        CreateOrderReply::Ok(request.body.into())
    }
}

/// The deliberate break: a refusal turned into acceptance.
async fn accept_all(mut response: Response) -> Response {
    if response.status() == StatusCode::BAD_REQUEST {
        *response.status_mut() = StatusCode::OK;
    }
    response
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}"))
        .await
        .expect("the port is free");
    let app = router(Echo);
    let app = if std::env::var("CONSTRAINTS_SERVER_BREAK").as_deref() == Ok("accept-all") {
        app.layer(map_response(accept_all))
    } else {
        app
    };
    axum::serve(listener, app).await.expect("serves");
}
