//! Every operation of both APIs through the generated client against the generated router.

use apis::graalsystems::client::{
    self as graal_client, CreateUsageError, FindUsagesError, FindUsagesParams,
};
use apis::graalsystems::models::{Usage, UsageProductType};
use apis::graalsystems::server as graal_server;
use apis::waldur::client::{
    self as waldur_client, MarketplaceComponentUserUsagesListParams,
    MarketplaceComponentUserUsagesRetrieveParams, OpenportalAllocationUserUsageListParams,
    SlurmAllocationUserUsageListParams,
};
use apis::waldur::models::{ComponentUserUsageField, ComponentUserUsageOrdering};
use apis::waldur::server as waldur_server;
use axum::middleware::from_fn;
use chrono::{TimeZone, Utc};
use futures::TryStreamExt;

use crate::store::{FAILING_TENANT, GraalStore, REJECTED_TENANT, WaldurStore};
use crate::{links, serve};

/// The credentials log of a `WaldurStore`.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<(&'static str, String)>>>;

async fn waldur(slurm_records: usize) -> (waldur_client::Client, Seen) {
    let store = WaldurStore::sample(slurm_records);
    let seen = store.seen.clone();
    let router = waldur_server::router(store).layer(from_fn(links::waldur_links));
    let base_url = serve(router).await;
    let client = waldur_client::Client::new(&base_url)
        .expect("client")
        .with_token_auth("Token secret");
    (client, seen)
}

#[tokio::test]
async fn slurm_lists_page_through_three_pages_by_link() {
    let (client, store) = waldur(7).await;
    let params = SlurmAllocationUserUsageListParams {
        page_size: Some(3),
        ..Default::default()
    };
    let users: Vec<String> = client
        .slurm_allocation_user_usage_list_stream(params)
        .map_ok(|usage| usage.username)
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(
        users,
        [
            "user0", "user1", "user2", "user3", "user4", "user5", "user6"
        ]
    );

    let march = SlurmAllocationUserUsageListParams {
        month: Some(3),
        year: Some(2024),
        ..Default::default()
    };
    let page = client
        .slurm_allocation_user_usage_list(&march)
        .await
        .expect("a page");
    assert_eq!(page.headers.x_result_count, Some(1));
    assert_eq!(page.body[0].username, "user2");
    let link = page.header_map["link"].to_str().expect("ASCII");
    assert!(
        link.contains("rel=\"first\"") && !link.contains("rel=\"next\""),
        "{link}"
    );

    let one = client
        .slurm_allocation_user_usage_retrieve(4)
        .await
        .expect("record 4");
    assert_eq!(one.body.cpu_usage, Some(40));
    let missing = client
        .slurm_allocation_user_usage_retrieve(99)
        .await
        .expect_err("no record 99");
    let waldur_client::Error::Documented {
        status,
        error: waldur_client::SlurmAllocationUserUsageRetrieveError::NotFound(response),
    } = &missing
    else {
        panic!("a 404 is the documented NotFound, got {missing:?}");
    };
    assert_eq!(status.as_u16(), 404);
    assert_eq!(
        response.body["detail"],
        "No AllocationUserUsage matches the given query."
    );

    let seen = store.lock().expect("credentials log").clone();
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(
        seen.iter()
            .all(|(scheme, secret)| *scheme == "tokenAuth" && secret == "Token secret")
    );
}

#[tokio::test]
async fn openportal_and_marketplace_operations() {
    let (client, _) = waldur(0).await;
    let this_year = OpenportalAllocationUserUsageListParams {
        year: Some(2024),
        ..Default::default()
    };
    let page = client
        .openportal_allocation_user_usage_list(&this_year)
        .await
        .expect("a page");
    assert_eq!(page.headers.x_result_count, Some(2));
    let record = client
        .openportal_allocation_user_usage_retrieve(0)
        .await
        .expect("record 0");
    assert_eq!(
        record
            .body
            .node_usage
            .map(|usage| usage.to_string())
            .as_deref(),
        Some("12.50")
    );
    assert_eq!(
        record.body.user,
        Some(None),
        "null stays null through server and client"
    );

    let params = MarketplaceComponentUserUsagesListParams {
        username: Some("carol".to_owned()),
        o: Some(vec![ComponentUserUsageOrdering::UsageDesc]),
        field: Some(vec![
            ComponentUserUsageField::Username,
            ComponentUserUsageField::Usage,
        ]),
        ..Default::default()
    };
    let page = client
        .marketplace_component_user_usages_list(&params)
        .await
        .expect("a page");
    let names: Vec<_> = page
        .body
        .iter()
        .map(|usage| usage.username.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        names,
        ["carolyn", "carol"],
        "`o=-usage` sorts by usage, largest first"
    );

    let all: Vec<_> = client
        .marketplace_component_user_usages_list_stream(MarketplaceComponentUserUsagesListParams {
            page_size: Some(2),
            ..Default::default()
        })
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(all.len(), 4);
    let uuid = all[1].uuid.expect("a uuid");
    let record = client
        .marketplace_component_user_usages_retrieve(
            uuid,
            &MarketplaceComponentUserUsagesRetrieveParams::default(),
        )
        .await
        .expect("the record");
    assert_eq!(record.body.username.as_deref(), Some("dave"));
}

#[tokio::test]
async fn the_bearer_alternative_reaches_the_implementation() {
    let store = WaldurStore::sample(1);
    let seen = store.seen.clone();
    let base_url = serve(waldur_server::router(store)).await;
    let client = waldur_client::Client::new(&base_url)
        .expect("client")
        .with_waldur_oidc_auth("oidc-token");
    client
        .slurm_allocation_user_usage_retrieve(0)
        .await
        .expect("record 0");
    assert_eq!(
        *seen.lock().expect("log"),
        [("waldurOIDCAuth", "oidc-token".to_owned())]
    );
}

fn usage(reference: &str, region: &str, day: u32) -> Usage {
    Usage {
        product_type: Some(UsageProductType::Instance),
        quantity: Some(2.5),
        product_reference: Some(reference.to_owned()),
        created: Utc.with_ymd_and_hms(2024, 5, day, 12, 0, 0).single(),
        dimensions: Some([("region".to_owned(), region.to_owned())].into()),
        ..Usage::default()
    }
}

#[tokio::test]
async fn graal_usages_created_come_back_filtered() {
    let store = GraalStore::default();
    let tokens = store.tokens.clone();
    let base_url = serve(graal_server::router(store)).await;
    let client = graal_client::Client::new(&base_url)
        .expect("client")
        .with_internal("access-token");
    for (tenant, reference, region, day) in [
        ("acme", "vm-1", "eu", 1),
        ("acme", "vm-2", "us", 2),
        ("acme", "vm-3", "eu", 20),
        ("other", "vm-9", "eu", 3),
    ] {
        let created = client
            .create_usage(tenant, &usage(reference, region, day))
            .await
            .expect("created");
        assert_eq!(created.body, usage(reference, region, day));
    }
    let params = FindUsagesParams {
        from: Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).single(),
        to: Utc.with_ymd_and_hms(2024, 5, 10, 0, 0, 0).single(),
        params: Some([("region".to_owned(), "eu".to_owned())].into()),
        ..Default::default()
    };
    let found = client.find_usages("acme", &params).await.expect("found");
    let references: Vec<_> = found
        .body
        .iter()
        .map(|usage| usage.product_reference.clone())
        .collect();
    assert_eq!(references, [Some("vm-1".to_owned())]);
    let by_reference = FindUsagesParams {
        for_: Some("vm-2".to_owned()),
        ..Default::default()
    };
    assert_eq!(
        client
            .find_usages("acme", &by_reference)
            .await
            .expect("found")
            .body
            .len(),
        1
    );
    assert!(
        tokens
            .lock()
            .expect("log")
            .iter()
            .all(|token| token == "access-token")
    );
}

#[tokio::test]
async fn documented_errors_reach_the_client_as_their_variants() {
    let base_url = serve(graal_server::router(GraalStore::default())).await;
    let client = graal_client::Client::new(&base_url)
        .expect("client")
        .with_internal("access-token");
    let error = client
        .create_usage(REJECTED_TENANT, &Usage::default())
        .await
        .expect_err("a rejected tenant");
    assert!(
        matches!(&error, graal_client::Error::Documented { error: CreateUsageError::BadRequest(r), .. } if r.status.as_u16() == 400),
        "{error:?}"
    );
    let error = client
        .create_usage(FAILING_TENANT, &Usage::default())
        .await
        .expect_err("a failing tenant");
    assert!(
        matches!(
            &error,
            graal_client::Error::Documented {
                error: CreateUsageError::InternalServerError(_),
                ..
            }
        ),
        "{error:?}"
    );
    let error = client
        .find_usages(FAILING_TENANT, &FindUsagesParams::default())
        .await
        .expect_err("failing");
    assert!(
        matches!(
            &error,
            graal_client::Error::Documented {
                error: FindUsagesError::InternalServerError(_),
                ..
            }
        ),
        "{error:?}"
    );
}

/// An implementation of nothing: every operation answers 501.
struct NothingYet;

impl waldur_server::Api for NothingYet {}

#[tokio::test]
async fn unimplemented_operations_answer_501() {
    let base_url = serve(waldur_server::router(NothingYet)).await;
    let client = waldur_client::Client::new(&base_url)
        .expect("client")
        .with_token_auth("Token x");
    let error = client
        .slurm_allocation_user_usage_retrieve(1)
        .await
        .expect_err("not implemented");
    let waldur_client::Error::UnexpectedStatus(response) = &error else {
        panic!("expected 501, got {error:?}");
    };
    assert_eq!(response.status.as_u16(), 501);
}
