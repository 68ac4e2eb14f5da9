//! Calls every operation of one seed API's generated client against a server, with every
//! parameter filled (arrays of several values, the deepObject map, the vendor media type), and
//! checks each answer is a documented success that decodes. `cargo xtask conformance prism` runs
//! it against Stoplight Prism mocking the spec with `--errors`, so a request Prism finds invalid
//! fails the run.
//!
//! ```sh
//! cargo run --example conformance_client -- waldur http://127.0.0.1:4010 [--break CASE]
//! ```
//!
//! `--break` sends one thing the spec forbids, to show the suite catches it:
//! `bad-ordering` (`o=-usage,bogus`), `no-credentials` (no `Authorization`), `bad-quantity`
//! (a Graal usage whose quantity is a string).

use std::process::ExitCode;

use apis::graalsystems::client::{self as graal, FindUsagesParams};
use apis::graalsystems::models::{Usage, UsageProductType};
use apis::waldur::client::{
    self as waldur, MarketplaceComponentUserUsagesListParams,
    MarketplaceComponentUserUsagesRetrieveParams, OpenportalAllocationUserUsageListParams,
    SlurmAllocationUserUsageListParams,
};
use apis::waldur::models::{ComponentUserUsageField, ComponentUserUsageOrdering};
use chrono::{TimeZone, Utc};

/// One operation's outcome: its name and an error, if it failed.
type Outcome = (&'static str, Result<(), String>);

fn check<T, E: std::fmt::Display>(name: &'static str, result: Result<T, E>) -> Outcome {
    (name, result.map(|_| ()).map_err(|error| error.to_string()))
}

fn uuid(text: &str) -> uuid::Uuid {
    uuid::Uuid::parse_str(text).unwrap_or_default()
}

async fn waldur_operations(base_url: &str, broken: Option<&str>) -> Result<Vec<Outcome>, String> {
    let client = waldur::Client::new(base_url).map_err(|error| error.to_string())?;
    let client = if broken == Some("no-credentials") {
        client
    } else {
        client.with_token_auth("Token conformance")
    };
    let slurm = SlurmAllocationUserUsageListParams {
        allocation: Some("https://waldur.example/api/slurm-allocations/1/".to_owned()),
        allocation_uuid: Some(uuid("0f9e6c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6")),
        month: Some(3),
        page: Some(1),
        page_size: Some(50),
        user: Some("https://waldur.example/api/users/7/".to_owned()),
        user_uuid: Some(uuid("11111111-2222-4333-8444-555555555555")),
        year: Some(2024),
    };
    let openportal = OpenportalAllocationUserUsageListParams {
        allocation: slurm.allocation.clone(),
        allocation_uuid: slurm.allocation_uuid,
        month: Some(3),
        page: Some(2),
        page_size: Some(10),
        user: slurm.user.clone(),
        user_uuid: slurm.user_uuid,
        year: Some(2024),
    };
    let mut ordering = vec![
        ComponentUserUsageOrdering::UsageDesc,
        ComponentUserUsageOrdering::Username,
    ];
    if broken == Some("bad-ordering") {
        ordering.push(ComponentUserUsageOrdering::Other("bogus".to_owned()));
    }
    let fields = vec![
        ComponentUserUsageField::Uuid,
        ComponentUserUsageField::Usage,
        ComponentUserUsageField::Username,
    ];
    let components = MarketplaceComponentUserUsagesListParams {
        billing_period_month: Some(5.0),
        billing_period_year: Some(2024.0),
        component_usage_billing_period: Utc
            .with_ymd_and_hms(2024, 5, 1, 0, 0, 0)
            .single()
            .map(|t| t.date_naive()),
        customer_uuid: Some(uuid("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")),
        date_after: Utc
            .with_ymd_and_hms(2024, 1, 1, 0, 0, 0)
            .single()
            .map(|t| t.date_naive()),
        date_before: Utc
            .with_ymd_and_hms(2024, 12, 31, 0, 0, 0)
            .single()
            .map(|t| t.date_naive()),
        field: Some(fields.clone()),
        o: Some(ordering),
        offering_uuid: Some(uuid("bbbbbbbb-cccc-4ddd-8eee-ffffffffffff")),
        page: Some(1),
        page_size: Some(300),
        project_uuid: Some(uuid("cccccccc-dddd-4eee-8fff-000000000000")),
        resource: Some("https://waldur.example/api/resources/9/".to_owned()),
        resource_uuid: Some(uuid("dddddddd-eeee-4fff-8000-111111111111")),
        type_: Some("cpu".to_owned()),
        username: Some("carol".to_owned()),
    };
    let component = uuid("7d2c8f9e-4f7e-4a43-9f3c-0c6a1f3d2b11");
    let retrieve = MarketplaceComponentUserUsagesRetrieveParams {
        field: Some(fields),
    };
    Ok(vec![
        check(
            "slurm_allocation_user_usage_list",
            client.slurm_allocation_user_usage_list(&slurm).await,
        ),
        check(
            "slurm_allocation_user_usage_retrieve",
            client.slurm_allocation_user_usage_retrieve(42).await,
        ),
        check(
            "openportal_allocation_user_usage_list",
            client
                .openportal_allocation_user_usage_list(&openportal)
                .await,
        ),
        check(
            "openportal_allocation_user_usage_retrieve",
            client.openportal_allocation_user_usage_retrieve(7).await,
        ),
        check(
            "marketplace_component_user_usages_list",
            client
                .marketplace_component_user_usages_list(&components)
                .await,
        ),
        check(
            "marketplace_component_user_usages_retrieve",
            client
                .marketplace_component_user_usages_retrieve(component, &retrieve)
                .await,
        ),
    ])
}

async fn graal_operations(base_url: &str, broken: Option<&str>) -> Result<Vec<Outcome>, String> {
    let client = graal::Client::new(base_url).map_err(|error| error.to_string())?;
    let client = if broken == Some("no-credentials") {
        client
    } else {
        client.with_internal("conformance-token")
    };
    let mut usage = Usage {
        product_type: Some(UsageProductType::Egress),
        quantity: Some(12.5),
        product_reference: Some("vm-42".to_owned()),
        created: Utc.with_ymd_and_hms(2024, 5, 1, 12, 30, 0).single(),
        dimensions: Some(
            [
                ("region".to_owned(), "eu".to_owned()),
                ("tier".to_owned(), "gold".to_owned()),
            ]
            .into(),
        ),
        additional_properties: Default::default(),
    };
    if broken == Some("bad-quantity") {
        usage
            .additional_properties
            .insert("quantity".to_owned(), serde_json::json!("lots"));
        usage.quantity = None;
    }
    let params = FindUsagesParams {
        from: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single(),
        to: Utc.with_ymd_and_hms(2024, 12, 31, 23, 59, 59).single(),
        for_: Some("vm-42".to_owned()),
        params: Some(
            [
                ("region".to_owned(), "eu".to_owned()),
                ("tier".to_owned(), "gold".to_owned()),
            ]
            .into(),
        ),
    };
    Ok(vec![
        check("create_usage", client.create_usage("acme", &usage).await),
        check("find_usages", client.find_usages("acme", &params).await),
    ])
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let (Some(api), Some(base_url)) = (arguments.first(), arguments.get(1)) else {
        eprintln!("usage: conformance_client <waldur|graalsystems> <base URL> [--break CASE]");
        return ExitCode::from(2);
    };
    let broken = match arguments.get(2).map(String::as_str) {
        Some("--break") => arguments.get(3).map(String::as_str),
        _ => None,
    };
    let outcomes = match api.as_str() {
        "waldur" => waldur_operations(base_url, broken).await,
        "graalsystems" => graal_operations(base_url, broken).await,
        other => Err(format!("unknown API `{other}`")),
    };
    let outcomes = match outcomes {
        Ok(outcomes) => outcomes,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let failed = outcomes
        .iter()
        .filter(|(_, result)| result.is_err())
        .count();
    for (name, result) in &outcomes {
        match result {
            Ok(()) => println!("  ok    {api}.{name}"),
            Err(error) => println!("  FAIL  {api}.{name}: {error}"),
        }
    }
    println!("{api}: {} operations, {failed} failed", outcomes.len());
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
