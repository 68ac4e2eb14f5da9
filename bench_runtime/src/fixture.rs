//! What the runtime benchmark serves, and the three servers it compares: the generated router
//! with an implementation that shares its records, and hand-written axum handlers that copy
//! them or share them. `tests/allocations.rs` uses this file too (`#[path]`), so the benchmark
//! and the allocation test compare the same handlers.

use std::sync::Arc;

use apis::waldur::models::ComponentUserUsage;
use apis::waldur::server as waldur;
use apis::waldur::server::Body;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use uuid::Uuid;

/// The `Authorization` header every request sends (`tokenAuth`).
pub const AUTHORIZATION_VALUE: &str = "Token 0123456789abcdef0123456789abcdef01234567";

/// The list path and the retrieve path of record `uuid`.
pub const LIST_PATH: &str = "/api/marketplace-component-user-usages/";

/// The retrieve path of `uuid`.
pub fn retrieve_path(uuid: Uuid) -> String {
    format!("{LIST_PATH}{uuid}/")
}

/// `count` distinct records with every field set, about 890 bytes of JSON each (the size of a
/// real Waldur record: 300 make the 266,688-byte page).
pub fn records(count: usize) -> Vec<ComponentUserUsage> {
    (0..count).map(record).collect()
}

fn record(index: usize) -> ComponentUserUsage {
    let id = |kind: u32| Uuid::from_u128((u128::from(kind) << 64) | index as u128);
    let json = serde_json::json!({
        "uuid": id(1),
        "user": format!("https://waldur.example.com/api/users/{}/", id(2)),
        "username": format!("user{index:04}@example.com"),
        "component_usage": format!("https://waldur.example.com/api/marketplace-component-usages/{}/", id(3)),
        "usage": index as f64 * 1.25,
        "measured_unit": "GB",
        "description": format!("Storage used by user {index}, summed daily."),
        "created": "2024-05-03T10:00:00Z",
        "modified": "2024-05-31T23:59:59Z",
        "backend_id": format!("backend-{index:06}"),
        "resource_name": format!("Volume {index}"),
        "resource_uuid": id(4),
        "offering_name": "Storage",
        "offering_uuid": id(5),
        "project_name": format!("Project {}", index % 17),
        "project_uuid": id(6),
        "customer_name": format!("Customer {}", index % 5),
        "customer_uuid": id(7),
        "component_type": "storage",
        "date": "2024-05-31T23:59:59Z",
        "billing_period": "2024-05-01",
    });
    match serde_json::from_value(json) {
        Ok(record) => record,
        Err(error) => panic!("a benchmark record does not read: {error}"),
    }
}

/// The records, shared by every request of every server.
#[derive(Clone)]
pub struct Records(pub Arc<Vec<ComponentUserUsage>>);

impl Records {
    /// `count` records.
    pub fn new(count: usize) -> Self {
        Records(Arc::new(records(count)))
    }

    fn find(&self, uuid: Uuid) -> Option<&ComponentUserUsage> {
        self.0.iter().find(|record| record.uuid == Some(uuid))
    }

    /// One page as Django REST framework pages (from 1, 10 by default, at most 300).
    fn page(&self, page: Option<i64>, page_size: Option<i64>) -> Option<&[ComponentUserUsage]> {
        let size = usize::try_from(page_size.unwrap_or(10).clamp(1, 300)).ok()?;
        let start = usize::try_from(page.unwrap_or(1).checked_sub(1)?).ok()? * size;
        let end = (start + size).min(self.0.len());
        (start < end || start == 0).then(|| &self.0[start.min(end)..end])
    }
}

/// The generated router, answering with a view of the shared records (no copy).
pub fn generated(records: Records) -> Router {
    waldur::router(records)
}

impl waldur::Api for Records {
    async fn marketplace_component_user_usages_list(
        &self,
        request: waldur::MarketplaceComponentUserUsagesListRequest,
        _credentials: waldur::Credentials,
    ) -> waldur::MarketplaceComponentUserUsagesListReply {
        let count = i64::try_from(self.0.len()).ok();
        match self.page(request.page, request.page_size) {
            // The whole list is the shared vector itself; a page is a borrowed view of it.
            Some(page) if page.len() == self.0.len() => {
                waldur::MarketplaceComponentUserUsagesListReply::Ok {
                    body: Body::shared(Arc::clone(&self.0)),
                    x_result_count: count,
                }
            }
            Some(page) => waldur::MarketplaceComponentUserUsagesListReply::Ok {
                body: Body::view(page),
                x_result_count: count,
            },
            None => waldur::MarketplaceComponentUserUsagesListReply::NotFound(not_found()),
        }
    }

    async fn marketplace_component_user_usages_retrieve(
        &self,
        request: waldur::MarketplaceComponentUserUsagesRetrieveRequest,
        _credentials: waldur::Credentials,
    ) -> waldur::MarketplaceComponentUserUsagesRetrieveReply {
        match self.find(request.uuid) {
            Some(record) => {
                waldur::MarketplaceComponentUserUsagesRetrieveReply::Ok(Body::view(record))
            }
            None => waldur::MarketplaceComponentUserUsagesRetrieveReply::NotFound(not_found()),
        }
    }
}

fn not_found() -> serde_json::Value {
    serde_json::json!({ "detail": "Not found." })
}

/// How a hand-written server answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandWritten {
    /// Clones the records it answers with (what an owned reply forces).
    Copying,
    /// Serializes the shared records in place.
    Sharing,
}

/// A hand-written axum server of the same two operations: it checks that `Authorization` is
/// sent, reads `page`/`page_size` (and `field`, unused) with axum's `Query`, the UUID with `Path`.
pub fn hand_written(records: Records, how: HandWritten) -> Router {
    Router::new()
        .route(LIST_PATH, get(list))
        .route(
            "/api/marketplace-component-user-usages/{uuid}/",
            get(retrieve),
        )
        .with_state((records, how))
}

/// The list query a hand-written handler reads.
#[derive(Deserialize)]
struct ListQuery {
    page: Option<i64>,
    page_size: Option<i64>,
}

/// The retrieve query a hand-written handler reads.
#[derive(Deserialize)]
struct RetrieveQuery {
    #[allow(dead_code)]
    field: Option<String>,
}

// The headers are looked at in the request itself (a `HeaderMap` extractor would copy them).
async fn list(
    State((records, how)): State<(Records, HandWritten)>,
    Query(query): Query<ListQuery>,
    request: Request,
) -> Response {
    if !request.headers().contains_key(AUTHORIZATION) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let Some(page) = records.page(query.page, query.page_size) else {
        return (StatusCode::NOT_FOUND, Json(not_found())).into_response();
    };
    let count = [("x-result-count", records.0.len().to_string())];
    match how {
        HandWritten::Copying => (count, Json(page.to_vec())).into_response(),
        HandWritten::Sharing => (count, Json(page)).into_response(),
    }
}

async fn retrieve(
    State((records, how)): State<(Records, HandWritten)>,
    Path(uuid): Path<Uuid>,
    Query(_query): Query<RetrieveQuery>,
    request: Request,
) -> Response {
    if !request.headers().contains_key(AUTHORIZATION) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match (records.find(uuid), how) {
        (Some(record), HandWritten::Copying) => Json(record.clone()).into_response(),
        (Some(record), HandWritten::Sharing) => Json(record).into_response(),
        (None, _) => (StatusCode::NOT_FOUND, Json(not_found())).into_response(),
    }
}
