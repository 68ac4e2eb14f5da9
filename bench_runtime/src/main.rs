//! The program `cargo xtask bench --runtime` builds in release mode and runs twice, each pinned
//! to its own core: `serve` answers on three ports of 127.0.0.1 (the generated router, and the
//! hand-written axum server copying or sharing the records), all on one thread; `load` drives
//! them with a small HTTP/1.1 load generator, interleaving the three servers round by round, then
//! times the generated client against reqwest + serde. The xtask only starts, pins and stops
//! these; the figures are printed by `load` as Markdown tables.

mod client;
mod fixture;
mod load;

use std::io::{BufRead, Write};
use std::process::ExitCode;

use fixture::{HandWritten, Records};

/// How many records the list serves (a full page).
const RECORDS: usize = 300;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("load") => load::run(&args[1..]),
        Some("in-process") => in_process(),
        Some("client") => client_only(&args[1..]),
        _ => Err("usage: bench-runtime serve | load PORTS SECONDS ROUNDS [PID] | client PORT ROUNDS | in-process".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bench-runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Serves the three servers on one thread until standard input closes, after printing their
/// ports (generated, copying, sharing) on one line.
fn serve() -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("no runtime: {error}"))?;
    runtime.block_on(async {
        let records = Records::new(RECORDS);
        let routers = [
            fixture::generated(records.clone()),
            fixture::hand_written(records.clone(), HandWritten::Copying),
            fixture::hand_written(records, HandWritten::Sharing),
        ];
        let mut ports = Vec::new();
        for router in routers {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .map_err(|error| format!("cannot bind: {error}"))?;
            let address = listener
                .local_addr()
                .map_err(|error| format!("no address: {error}"))?;
            ports.push(address.port().to_string());
            tokio::spawn(async move { axum::serve(listener, router).await });
        }
        let mut stdout = std::io::stdout();
        writeln!(stdout, "{}", ports.join(",")).map_err(|error| error.to_string())?;
        stdout.flush().map_err(|error| error.to_string())?;
        // The driver closes standard input to stop the server; waiting for it blocks this thread
        // only in a blocking task, so the servers keep running on the runtime's one thread.
        let closed = tokio::task::spawn_blocking(|| {
            let stdin = std::io::stdin();
            for _line in stdin.lock().lines() {}
        });
        closed.await.map_err(|error| error.to_string())
    })
}

/// The time per request of each router called in process (`oneshot`, no network), for a
/// profiler to look at what the handlers themselves cost.
fn in_process() -> Result<(), String> {
    use axum::body::{Body, to_bytes};
    use tower::ServiceExt;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|error| format!("no runtime: {error}"))?;
    runtime.block_on(async {
        let records = Records::new(RECORDS);
        let uuid = records.0[0].uuid.ok_or("a record has no UUID")?;
        let one = fixture::retrieve_path(uuid);
        let list = format!("{}?page_size=300", fixture::LIST_PATH);
        let routers = [
            ("generated router", fixture::generated(records.clone())),
            (
                "hand-written, sharing",
                fixture::hand_written(records, HandWritten::Sharing),
            ),
        ];
        for round in 0..3 {
            for ((name, router), (case, uri, calls)) in routers.iter().flat_map(|router| {
                [
                    (router, ("one record", &one, 100_000u32)),
                    (router, ("list", &list, 1_000)),
                ]
            }) {
                let started = std::time::Instant::now();
                for _ in 0..calls {
                    let request = axum::http::Request::get(uri.as_str())
                        .header("authorization", fixture::AUTHORIZATION_VALUE)
                        .body(Body::empty())
                        .map_err(|error| error.to_string())?;
                    let response = router
                        .clone()
                        .oneshot(request)
                        .await
                        .map_err(|error| error.to_string())?;
                    to_bytes(response.into_body(), usize::MAX)
                        .await
                        .map_err(|error| error.to_string())?;
                }
                let each = started.elapsed() / calls;
                println!("round {round}: {case}: {name}: {each:?} per request");
            }
        }
        Ok(())
    })
}

/// `client PORT ROUNDS`: the client table alone, against a server already serving on `PORT`.
fn client_only(args: &[String]) -> Result<(), String> {
    let [port, rounds] = args else {
        return Err("usage: bench-runtime client PORT ROUNDS".into());
    };
    let port = port.parse().map_err(|_| "PORT is a port number")?;
    let rounds = rounds.parse().map_err(|_| "ROUNDS is a count")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("no runtime: {error}"))?;
    runtime.block_on(client::run(port, rounds))
}
