//! Each of the eight operations, asserted on the exact method, path, query, headers and body
//! bytes it sends, and decoded from what the server answers.

use crate::recorder::{Recorder, Reply};
use apis::graalsystems::client::{
    self as graal, CreateUsageError, FindUsagesError, FindUsagesParams,
};
use apis::graalsystems::models::{Usage, UsageProductType};
use apis::waldur::client::{
    self as waldur, MarketplaceComponentUserUsagesListParams,
    MarketplaceComponentUserUsagesRetrieveParams, OpenportalAllocationUserUsageListParams,
    SlurmAllocationUserUsageListParams,
};
use apis::waldur::models::{ComponentUserUsageField, ComponentUserUsageOrdering};
use chrono::{NaiveDate, TimeZone, Utc};
use uuid::Uuid;

const SLURM_USAGE: &str = r#"{"cpu_usage":10,"ram_usage":20,"gpu_usage":0,"month":3,"year":2024,"allocation":"https://w.example/api/slurm-allocations/1/","user":null,"username":"alice","full_name":"Alice A"}"#;
const OPENPORTAL_USAGE: &str = r#"{"node_usage":"12.50","month":3,"year":2024,"allocation":"https://w.example/api/a/1/","username":"bob","full_name":"Bob B"}"#;
const COMPONENT_USAGE: &str = r#"{"uuid":"7d2c8f9e-4f7e-4a43-9f3c-0c6a1f3d2b11","usage":1.5,"username":"carol","user":"https://w.example/api/users/3/"}"#;
const GRAAL_USAGE_TYPE: &str = "application/vnd.graal.systems.v1.usage+json";

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("valid UUID")
}

fn waldur_client(recorder: &Recorder) -> waldur::Client {
    waldur::Client::new(&recorder.base_url)
        .expect("client")
        .with_token_auth("Token secret-key")
}

#[tokio::test]
async fn slurm_list_sends_every_filter_percent_encoded_with_the_token() {
    let recorder = Recorder::start(|_, _| {
        Reply::new(
            200,
            &[
                ("Content-Type", "application/json"),
                ("X-Result-Count", "41"),
            ],
            format!("[{SLURM_USAGE}]").as_bytes(),
        )
    })
    .await;
    let params = SlurmAllocationUserUsageListParams {
        allocation: Some("https://w.example/api/slurm-allocations/1/".to_owned()),
        allocation_uuid: Some(uuid("0f9e6c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6")),
        month: Some(3),
        page: Some(2),
        page_size: Some(50),
        user: Some("https://w.example/api/users/a b?c#d/".to_owned()),
        user_uuid: Some(uuid("11111111-2222-4333-8444-555555555555")),
        year: Some(2024),
    };
    let response = waldur_client(&recorder)
        .slurm_allocation_user_usage_list(&params)
        .await
        .expect("a documented 200");

    let request = recorder.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/api/slurm-allocation-user-usage/");
    assert_eq!(
        request.query(),
        "allocation=https%3A%2F%2Fw.example%2Fapi%2Fslurm-allocations%2F1%2F\
         &allocation_uuid=0f9e6c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6&month=3&page=2&page_size=50\
         &user=https%3A%2F%2Fw.example%2Fapi%2Fusers%2Fa%20b%3Fc%23d%2F\
         &user_uuid=11111111-2222-4333-8444-555555555555&year=2024"
    );
    assert_eq!(request.header("authorization"), Some("Token secret-key"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header_names(), ["accept", "authorization", "host"]);
    assert!(request.body.is_empty());

    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers.x_result_count, Some(41));
    assert_eq!(response.body.len(), 1);
    assert_eq!(response.body[0].username, "alice");
    assert_eq!(
        response.body[0].user,
        Some(None),
        "`user: null` is kept apart from absent"
    );
}

#[tokio::test]
async fn unset_filters_are_not_sent_and_the_base_path_is_kept() {
    let recorder = Recorder::start(|_, _| Reply::json("application/json", "[]")).await;
    let client = waldur::Client::new(&format!("{}/prefix/", recorder.base_url))
        .expect("client")
        .with_waldur_oidc_auth("oidc-token");
    let response = client
        .openportal_allocation_user_usage_list(&OpenportalAllocationUserUsageListParams::default())
        .await
        .expect("a documented 200");
    let request = recorder.only_request();
    assert_eq!(
        request.target,
        "/prefix/api/openportal-allocation-user-usage/"
    );
    assert_eq!(request.header("authorization"), Some("Bearer oidc-token"));
    assert!(response.body.is_empty());
    assert_eq!(response.headers.x_result_count, None);
}

#[tokio::test]
async fn retrieve_operations_put_the_id_in_the_path_and_keep_the_trailing_slash() {
    let recorder = Recorder::start(|request, _| {
        let body = if request.path().starts_with("/api/slurm") {
            SLURM_USAGE
        } else if request.path().starts_with("/api/openportal") {
            OPENPORTAL_USAGE
        } else {
            COMPONENT_USAGE
        };
        Reply::json("application/json; charset=utf-8", body)
    })
    .await;
    // Both credentials set: the spec lists tokenAuth first, so that one is sent.
    let client = waldur_client(&recorder).with_waldur_oidc_auth("oidc-token");
    let slurm = client
        .slurm_allocation_user_usage_retrieve(42)
        .await
        .expect("slurm 200");
    let openportal = client
        .openportal_allocation_user_usage_retrieve(7)
        .await
        .expect("openportal 200");
    let component_uuid = uuid("7d2c8f9e-4f7e-4a43-9f3c-0c6a1f3d2b11");
    let params = MarketplaceComponentUserUsagesRetrieveParams {
        field: Some(vec![
            ComponentUserUsageField::Uuid,
            ComponentUserUsageField::Usage,
        ]),
    };
    let component = client
        .marketplace_component_user_usages_retrieve(component_uuid, &params)
        .await
        .expect("component 200");

    let requests = recorder.requests();
    let targets: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/api/slurm-allocation-user-usage/42/",
            "/api/openportal-allocation-user-usage/7/",
            "/api/marketplace-component-user-usages/7d2c8f9e-4f7e-4a43-9f3c-0c6a1f3d2b11/?field=uuid&field=usage",
        ]
    );
    for request in &requests {
        assert_eq!(request.method, "GET");
        assert_eq!(request.header("authorization"), Some("Token secret-key"));
        assert_eq!(request.header_names(), ["accept", "authorization", "host"]);
    }
    assert_eq!(slurm.body.cpu_usage, Some(10));
    assert_eq!(
        openportal.body.node_usage.map(|d| d.to_string()),
        Some("12.50".to_owned())
    );
    assert_eq!(component.body.uuid, Some(component_uuid));
    assert_eq!(component.body.usage, Some(1.5));
}

#[tokio::test]
async fn marketplace_list_sends_both_array_styles_dates_and_numbers() {
    let recorder = Recorder::start(|_, _| {
        Reply::new(
            200,
            &[
                ("Content-Type", "application/json"),
                ("x-result-count", "1"),
            ],
            format!("[{COMPONENT_USAGE}]").as_bytes(),
        )
    })
    .await;
    let params = MarketplaceComponentUserUsagesListParams {
        billing_period_month: Some(5.0),
        billing_period_year: Some(2024.0),
        component_usage_billing_period: Some(NaiveDate::from_ymd_opt(2024, 5, 1).expect("date")),
        customer_uuid: Some(uuid("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")),
        date_after: Some(NaiveDate::from_ymd_opt(2024, 1, 31).expect("date")),
        field: Some(vec![
            ComponentUserUsageField::Uuid,
            ComponentUserUsageField::Usage,
        ]),
        o: Some(vec![
            ComponentUserUsageOrdering::UsageDesc,
            ComponentUserUsageOrdering::Username,
        ]),
        page_size: Some(300),
        resource: Some("https://w.example/api/resources/9/".to_owned()),
        type_: Some("cpu".to_owned()),
        username: Some("o'brien & co".to_owned()),
        ..Default::default()
    };
    let response = waldur_client(&recorder)
        .marketplace_component_user_usages_list(&params)
        .await
        .expect("a documented 200");
    let request = recorder.only_request();
    assert_eq!(request.path(), "/api/marketplace-component-user-usages/");
    assert_eq!(
        request.query(),
        "billing_period_month=5&billing_period_year=2024\
         &component_usage__billing_period=2024-05-01\
         &customer_uuid=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee&date_after=2024-01-31\
         &field=uuid&field=usage&o=-usage,username&page_size=300\
         &resource=https%3A%2F%2Fw.example%2Fapi%2Fresources%2F9%2F&type=cpu\
         &username=o%27brien%20%26%20co"
    );
    assert_eq!(response.headers.x_result_count, Some(1));
    assert_eq!(response.body[0].username.as_deref(), Some("carol"));
}

fn sample_usage() -> Usage {
    Usage {
        product_type: Some(UsageProductType::Instance),
        quantity: Some(1.5),
        product_reference: Some("vm-42".to_owned()),
        created: Some(
            Utc.with_ymd_and_hms(2024, 5, 1, 12, 30, 0)
                .single()
                .expect("time"),
        ),
        dimensions: Some([("region".to_owned(), "eu".to_owned())].into()),
        additional_properties: Default::default(),
    }
}

#[tokio::test]
async fn create_usage_sends_the_vendor_media_type_tenant_and_bearer_token() {
    let recorder = Recorder::start(|request, _| {
        let body = String::from_utf8(request.body.clone()).expect("UTF-8 body");
        Reply::json(GRAAL_USAGE_TYPE, &body)
    })
    .await;
    let client = graal::Client::new(&recorder.base_url)
        .expect("client")
        .with_internal("access-token");
    let created = client
        .create_usage("tenant-1", &sample_usage())
        .await
        .expect("a documented 200");

    let request = recorder.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/usages");
    assert_eq!(request.header("content-type"), Some(GRAAL_USAGE_TYPE));
    assert_eq!(request.header("accept"), Some(GRAAL_USAGE_TYPE));
    assert_eq!(request.header("x-tenant"), Some("tenant-1"));
    assert_eq!(request.header("authorization"), Some("Bearer access-token"));
    assert_eq!(
        request.header_names(),
        [
            "accept",
            "authorization",
            "content-length",
            "content-type",
            "host",
            "x-tenant"
        ]
    );
    assert_eq!(
        String::from_utf8(request.body).expect("UTF-8 body"),
        r#"{"product_type":"INSTANCE","quantity":1.5,"product_reference":"vm-42","created":"2024-05-01T12:30:00Z","dimensions":{"region":"eu"}}"#
    );
    assert_eq!(created.body, sample_usage());
}

#[tokio::test]
async fn find_usages_sends_dates_and_the_deep_object_map() {
    let recorder = Recorder::start(|_, _| {
        Reply::json(
            GRAAL_USAGE_TYPE,
            r#"[{"product_type":"EGRESS","quantity":2,"extra":true}]"#,
        )
    })
    .await;
    let client = graal::Client::new(&recorder.base_url)
        .expect("client")
        .with_internal("access-token");
    let params = FindUsagesParams {
        from: Some(
            Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
                .single()
                .expect("time"),
        ),
        to: Some(
            Utc.with_ymd_and_hms(2024, 2, 1, 0, 0, 0)
                .single()
                .expect("time"),
        ),
        for_: Some("project 7".to_owned()),
        params: Some(
            [
                ("region".to_owned(), "eu-west".to_owned()),
                ("tier".to_owned(), "gold plus".to_owned()),
            ]
            .into(),
        ),
    };
    let found = client
        .find_usages("tenant-1", &params)
        .await
        .expect("a documented 200");
    let request = recorder.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/usages");
    assert_eq!(
        request.query(),
        "from=2024-01-01T00%3A00%3A00Z&to=2024-02-01T00%3A00%3A00Z&for=project%207\
         &params[region]=eu-west&params[tier]=gold%20plus"
    );
    assert_eq!(request.header("x-tenant"), Some("tenant-1"));
    assert_eq!(
        request.header("content-type"),
        None,
        "find_usages sends no body"
    );
    assert_eq!(
        request.header_names(),
        ["accept", "authorization", "host", "x-tenant"]
    );
    assert_eq!(found.body.len(), 1);
    assert_eq!(found.body[0].product_type, Some(UsageProductType::Egress));
    assert_eq!(
        found.body[0].additional_properties["extra"],
        serde_json::json!(true)
    );
}

#[test]
fn graal_default_base_url_comes_from_the_spec_servers() {
    assert_eq!(graal::DEFAULT_BASE_URL, "https://api.graal.systems");
    let client = graal::Client::new(graal::DEFAULT_BASE_URL).expect("client");
    assert_eq!(client.base_url(), "https://api.graal.systems");
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let client = waldur::Client::new("https://waldur.example.com")
        .expect("client")
        .with_token_auth("Token very-secret")
        .with_waldur_oidc_auth("oidc-secret");
    let debug = format!("{client:?}");
    assert!(!debug.contains("very-secret"), "{debug}");
    assert!(!debug.contains("oidc-secret"), "{debug}");
    assert!(debug.contains("waldur.example.com"), "{debug}");
}

#[test]
fn bad_base_urls_are_build_errors() {
    for base_url in [
        "not a url",
        "ftp://example.com",
        "https://example.com/?q=1",
        "mailto:x@y",
    ] {
        assert!(
            waldur::Client::new(base_url).is_err(),
            "{base_url} was accepted"
        );
    }
}

/// Used by `error_statuses_…`: the error enum must name the documented statuses.
fn documented_status(error: &graal::Error<CreateUsageError>) -> Option<u16> {
    match error {
        graal::Error::Documented {
            error: CreateUsageError::BadRequest(response),
            ..
        } => {
            assert_eq!(response.body, b"tenant unknown");
            Some(response.status.as_u16())
        }
        graal::Error::Documented {
            error: CreateUsageError::MethodNotAllowed(response),
            ..
        }
        | graal::Error::Documented {
            error: CreateUsageError::InternalServerError(response),
            ..
        } => Some(response.status.as_u16()),
        _ => None,
    }
}

#[tokio::test]
async fn documented_error_statuses_are_their_own_variants_with_body_and_headers() {
    let recorder = Recorder::start(|_, index| {
        let status = [400, 405, 500][index % 3];
        let body: &[u8] = if status == 400 {
            b"tenant unknown"
        } else {
            b""
        };
        Reply::new(
            status,
            &[("Content-Type", "text/plain"), ("X-Request-Id", "r-1")],
            body,
        )
    })
    .await;
    let client = graal::Client::new(&recorder.base_url).expect("client");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let error = client
            .create_usage("tenant-1", &sample_usage())
            .await
            .expect_err("an error status");
        statuses.push(documented_status(&error).expect("a documented variant"));
    }
    assert_eq!(statuses, [400, 405, 500]);

    let error = client
        .find_usages("tenant-1", &FindUsagesParams::default())
        .await
        .expect_err("an error status");
    let graal::Error::Documented {
        error: FindUsagesError::BadRequest(response),
        ..
    } = &error
    else {
        panic!("expected the documented 400, got {error:?}");
    };
    assert_eq!(response.header_map["x-request-id"], "r-1");
    assert_eq!(
        error.to_string(),
        "documented error response 400 Bad Request"
    );
    let requests = recorder.requests();
    assert!(
        requests
            .iter()
            .all(|request| request.header("authorization").is_none())
    );
}
