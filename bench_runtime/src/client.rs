//! The generated client against hand-written reqwest + serde, on the 300-record list the
//! sharing server sends: decoding alone (the generated model against a hand-written struct of
//! the same field types), and the full call (the generated method against `reqwest` `send`,
//! `bytes` and `serde_json::from_slice` into the same model, over the same `reqwest::Client`).
//! Each round times a batch of each, alternating; the figures are the median batch's time per
//! call, on the wall clock and on this thread's CPU clock (which other work on the machine does
//! not move).

use std::future::Future;
use std::time::{Duration, Instant};

use apis::waldur::client::{Client, MarketplaceComponentUserUsagesListParams};
use apis::waldur::models::ComponentUserUsage;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::fixture::{AUTHORIZATION_VALUE, LIST_PATH};

/// Calls per timed batch.
const CALLS: u32 = 20;

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

    let mut timings: [Timings; 4] = Default::default();
    // Whichever batch runs first after a switch of work is the slower (caches, the allocator,
    // the idle connection), so the order alternates from round to round.
    for round in 0..rounds.max(1) * 8 {
        for turn in 0..2 {
            if (round + turn) % 2 == 0 {
                timings[0].push(time_sync(|| {
                    let page: Result<Vec<ComponentUserUsage>, _> = serde_json::from_slice(&body);
                    page.map(|page| page.len())
                        .map_err(|error| error.to_string())
                })?);
            } else {
                timings[1].push(time_sync(|| {
                    let page: Result<Vec<HandRecord>, _> = serde_json::from_slice(&body);
                    page.map(|page| page.len())
                        .map_err(|error| error.to_string())
                })?);
            }
        }
        for turn in 0..2 {
            if (round + turn) % 2 == 0 {
                let generated = time_async(|| async {
                    let response = client.marketplace_component_user_usages_list(&params).await;
                    let response = response.map_err(|error| error.to_string())?;
                    Ok(response.body.len())
                });
                timings[2].push(generated.await?);
            } else {
                let hand =
                    time_async(|| async { hand_call(&http, &url).await.map(|page| page.len()) });
                timings[3].push(hand.await?);
            }
        }
    }
    let [generated_decode, hand_decode, generated_call, hand_call] = timings;
    let rows = [
        (
            "decode the 300-record page (266 KB)",
            generated_decode,
            hand_decode,
        ),
        (
            "full call: request, read, decode",
            generated_call,
            hand_call,
        ),
    ];
    println!(
        "| client, per call (median of batches) | generated | hand-written reqwest + serde | generated ÷ hand-written, in calls per second | client CPU per call (mean), generated | hand-written | generated ÷ hand-written, in calls per CPU second |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, generated, hand) in rows {
        let (generated_wall, hand_wall) = (generated.median_wall(), hand.median_wall());
        let (generated_cpu, hand_cpu) = (generated.mean_cpu(), hand.mean_cpu());
        println!(
            "| {name} | {:.3} ms | {:.3} ms | **{:.2}** | {:.3} ms | {:.3} ms | **{:.2}** |",
            generated_wall * 1000.0,
            hand_wall * 1000.0,
            hand_wall / generated_wall,
            generated_cpu * 1000.0,
            hand_cpu * 1000.0,
            hand_cpu / generated_cpu,
        );
    }
    Ok(())
}

/// The per-call wall and CPU times of the batches of one kind of call.
#[derive(Default)]
struct Timings {
    wall: Vec<f64>,
    cpu: Vec<f64>,
}

impl Timings {
    fn push(&mut self, (wall, cpu): (Duration, Duration)) {
        self.wall.push(wall.as_secs_f64());
        self.cpu.push(cpu.as_secs_f64());
    }

    fn median_wall(&self) -> f64 {
        median(&self.wall)
    }

    /// The mean, not the median: a thread's CPU clock in `/proc` is brought up to date only
    /// when the scheduler looks at it (each tick), so one batch's reading may be a tick off,
    /// which evens out over all of them.
    fn mean_cpu(&self) -> f64 {
        self.cpu.iter().sum::<f64>() / (self.cpu.len().max(1) as f64)
    }
}

fn median(values: &[f64]) -> f64 {
    let mut values = values.to_vec();
    values.sort_unstable_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

/// This thread's CPU time, which is all of the client's work: the runtime has one thread.
fn thread_cpu() -> Duration {
    crate::load::cpu_time("/proc/thread-self/schedstat").unwrap_or_default()
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

/// The wall and CPU time per call of a batch of `CALLS` calls.
fn time_sync(
    mut call: impl FnMut() -> Result<usize, String>,
) -> Result<(Duration, Duration), String> {
    let (started, cpu) = (Instant::now(), thread_cpu());
    for _ in 0..CALLS {
        if call()? != 300 {
            return Err("a page does not hold 300 records".into());
        }
    }
    Ok((
        started.elapsed() / CALLS,
        thread_cpu().saturating_sub(cpu) / CALLS,
    ))
}

async fn time_async<F: Future<Output = Result<usize, String>>>(
    mut call: impl FnMut() -> F,
) -> Result<(Duration, Duration), String> {
    let (started, cpu) = (Instant::now(), thread_cpu());
    for _ in 0..CALLS {
        if call().await? != 300 {
            return Err("a page does not hold 300 records".into());
        }
    }
    Ok((
        started.elapsed() / CALLS,
        thread_cpu().saturating_sub(cpu) / CALLS,
    ))
}
