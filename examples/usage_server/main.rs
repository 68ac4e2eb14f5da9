//! Serves both seed APIs from memory on 127.0.0.1 (port 8080, or `PORT`):
//!
//! ```sh
//! cargo run --example usage_server
//! curl -H 'Authorization: Token demo' 'http://127.0.0.1:8080/api/slurm-allocation-user-usage/?page_size=2'
//! ```

mod links;
mod store;

use apis::graalsystems::server as graal;
use apis::waldur::server as waldur;
use axum::Router;
use axum::http::HeaderValue;
use axum::middleware::{from_fn, map_response};
use axum::response::Response;

/// The token Waldur's API accepts: `Authorization: Token demo` or `Authorization: Bearer demo`.
pub const DEMO_TOKEN: &str = "demo";

/// How many Slurm records the example serves: more than one page of Waldur's client's `sync_all`
/// (100 a page), so following `Link` matters.
pub const SLURM_RECORDS: usize = 250;

/// Both APIs on one router: Waldur's lists get `Link` headers from a layer of our own, unless
/// `USAGE_SERVER_BREAK=no-link` leaves it out (the conformance suite shows the Waldur client then
/// misses every page after the first); `USAGE_SERVER_BREAK=json-media` mislabels Graal replies.
pub fn app() -> Router {
    let mut store = store::WaldurStore::sample(SLURM_RECORDS);
    store.token = Some(DEMO_TOKEN.to_owned());
    let waldur = waldur::router(store);
    let waldur = if std::env::var("USAGE_SERVER_BREAK").as_deref() == Ok("no-link") {
        waldur
    } else {
        waldur.layer(from_fn(links::waldur_links))
    };
    let graal = graal::router(store::GraalStore::default());
    let graal = if std::env::var("USAGE_SERVER_BREAK").as_deref() == Ok("json-media") {
        graal.layer(map_response(as_plain_json))
    } else {
        graal
    };
    waldur.merge(graal)
}

/// The deliberate break `USAGE_SERVER_BREAK=json-media`: GraalSystems replies labelled
/// `application/json` instead of the vendor media type, which Schemathesis must report.
async fn as_plain_json(mut response: Response) -> Response {
    let json = HeaderValue::from_static("application/json");
    response.headers_mut().insert("content-type", json);
    response
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::io::Result<()> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "8080".to_owned());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    println!(
        "serving Waldur and GraalSystems on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, app()).await
}
