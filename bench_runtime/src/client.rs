//! The generated client against hand-written reqwest + serde, on the 300-record list the
//! sharing server sends: decoding alone (the generated model against a hand-written struct of
//! the same field types), and the full call (the generated method against `reqwest` `send`,
//! `bytes` and `serde_json::from_slice` into the same model, over the same `reqwest::Client`).
//! Each round times a batch of each, alternating; the figure is the median batch per call.

use std::future::Future;
use std::time::{Duration, Instant};

use apis::waldur::client::{Client, MarketplaceComponentUserUsagesListParams};
use apis::waldur::models::ComponentUserUsage;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::fixture::{AUTHORIZATION_VALUE, LIST_PATH};

/// Calls per timed batch.
const CALLS: usize = 50;

/// `ComponentUserUsage` as a person would write it: the same field types, serde's derive.
#[derive(Deserialize)]
#[allow(dead_code)]
struct HandRecord {
    uuid: Option<Uuid>,
    #[serde(default, deserialize_with = "present")]
    user: Option<Option<String>>,
    username: Option<String>,
    component_usage: Option<String>,
    usage: Option<f64>,
    measured_unit: Option<String>,
    description: Option<String>,
    created: Option<DateTime<Utc>>,
    modified: Option<DateTime<Utc>>,
    backend_id: Option<String>,
    resource_name: Option<String>,
    resource_uuid: Option<Uuid>,
    offering_name: Option<String>,
    offering_uuid: Option<Uuid>,
    project_name: Option<String>,
    project_uuid: Option<Uuid>,
    customer_name: Option<String>,
    customer_uuid: Option<Uuid>,
    component_type: Option<String>,
    date: Option<DateTime<Utc>>,
    billing_period: Option<NaiveDate>,
}

/// A nullable field that may be absent: present is `Some`, whatever its value.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// Prints the client table.
pub async fn run(port: u16, rounds: usize) -> Result<(), String> {
    let base = format!("http://127.0.0.1:{port}");
    let url = format!("{base}{LIST_PATH}?page_size=300");
    let http = reqwest::Client::new();
    let client = Client::with_client(&base, http.clone())
        .map_err(|error| error.to_string())?
        .with_token_auth(AUTHORIZATION_VALUE);
    let params = MarketplaceComponentUserUsagesListParams {
        page_size: Some(300),
        ..Default::default()
    };
    let page = hand_call(&http, &url).await?;
    let body = serde_json::to_vec(&page).map_err(|error| error.to_string())?;

    let (mut generated_decode, mut hand_decode) = (Vec::new(), Vec::new());
    let (mut generated_call, mut hand_call_times) = (Vec::new(), Vec::new());
    for _ in 0..rounds.max(1) * 4 {
        generated_decode.push(time_sync(|| {
            let page: Result<Vec<ComponentUserUsage>, _> = serde_json::from_slice(&body);
            page.map(|page| page.len())
                .map_err(|error| error.to_string())
        })?);
        hand_decode.push(time_sync(|| {
            let page: Result<Vec<HandRecord>, _> = serde_json::from_slice(&body);
            page.map(|page| page.len())
                .map_err(|error| error.to_string())
        })?);
        generated_call.push(
            time_async(|| async {
                let response = client.marketplace_component_user_usages_list(&params).await;
                response
                    .map(|response| response.body.len())
                    .map_err(|error| error.to_string())
            })
            .await?,
        );
        hand_call_times.push(
            time_async(|| async { hand_call(&http, &url).await.map(|page| page.len()) }).await?,
        );
    }
    let rows = [
        (
            "decode the 300-record page (266 KB)",
            median(generated_decode),
            median(hand_decode),
        ),
        (
            "full call: request, read, decode",
            median(generated_call),
            median(hand_call_times),
        ),
    ];
    println!(
        "| client, per call | generated | hand-written reqwest + serde | hand-written ÷ generated |"
    );
    println!("| --- | ---: | ---: | ---: |");
    for (name, generated, hand) in rows {
        let ratio = hand.as_secs_f64() / generated.as_secs_f64();
        println!(
            "| {name} | {:.3} ms | {:.3} ms | **{ratio:.2}** |",
            generated.as_secs_f64() * 1000.0,
            hand.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

/// Plain reqwest: send, read the bytes, decode into the generated model.
async fn hand_call(http: &reqwest::Client, url: &str) -> Result<Vec<ComponentUserUsage>, String> {
    let response = http
        .get(url)
        .header("authorization", AUTHORIZATION_VALUE)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|error| error.to_string())?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    let bytes = response.bytes().await.map_err(|error| error.to_string())?;
    serde_json::from_slice(&bytes).map_err(|error| error.to_string())
}

/// The time per call of a batch of `CALLS` calls.
fn time_sync(mut call: impl FnMut() -> Result<usize, String>) -> Result<Duration, String> {
    let started = Instant::now();
    for _ in 0..CALLS {
        if call()? != 300 {
            return Err("a page does not hold 300 records".into());
        }
    }
    Ok(started.elapsed() / CALLS as u32)
}

async fn time_async<F: Future<Output = Result<usize, String>>>(
    mut call: impl FnMut() -> F,
) -> Result<Duration, String> {
    let started = Instant::now();
    for _ in 0..CALLS {
        if call().await? != 300 {
            return Err("a page does not hold 300 records".into());
        }
    }
    Ok(started.elapsed() / CALLS as u32)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}
