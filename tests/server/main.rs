//! The generated server stubs, served by axum on 127.0.0.1 with the in-memory implementations of
//! `examples/usage_server`, driven end to end by the generated clients and by raw HTTP requests
//! that break the spec's rules.

#[path = "../../examples/usage_server/links.rs"]
mod links;
#[path = "../../examples/usage_server/store.rs"]
mod store;

mod end_to_end;
mod raw_requests;

use axum::Router;

/// Serves `router` on a fresh port of 127.0.0.1 for the rest of the test; returns its base URL.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        axum::serve(listener, router)
            .await
            .expect("the server runs");
    });
    format!("http://{address}")
}
