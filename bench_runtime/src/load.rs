//! A small HTTP/1.1 load generator: keep-alive connections on one thread, each sending the next
//! request as soon as the last response is read, with every latency kept. The three servers are
//! measured in turns within each round (the order rotating), so drift on a shared machine falls
//! on all of them alike.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::client;
use crate::fixture::{AUTHORIZATION_VALUE, LIST_PATH, Records, retrieve_path};

/// The servers, in the order `serve` prints their ports.
const SERVERS: [&str; 3] = [
    "generated router",
    "hand-written, copying",
    "hand-written, sharing",
];

/// One load case: a request and how many connections send it at once.
struct Case {
    name: &'static str,
    path: String,
    connections: usize,
}

/// What one server did in one case: each round's rate, its CPU time and every latency.
#[derive(Default)]
struct Tally {
    requests: u64,
    elapsed: Duration,
    /// The server thread's time on a CPU, when its process id is known.
    server_cpu: Duration,
    rates: Vec<f64>,
    latencies_us: Vec<u32>,
}

impl Tally {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The median of the rounds' rates: a round that other work on the machine slowed down
    /// moves it less than it moves the mean.
    fn median_rate(&self) -> f64 {
        let mut rates = self.rates.clone();
        rates.sort_unstable_by(f64::total_cmp);
        rates.get(rates.len() / 2).copied().unwrap_or_default()
    }

    /// Microseconds of server CPU per request.
    fn cpu_per_request(&self) -> f64 {
        self.server_cpu.as_secs_f64() * 1e6 / (self.requests.max(1) as f64)
    }

    fn percentile(&mut self, fraction: f64) -> f64 {
        self.latencies_us.sort_unstable();
        let last = self.latencies_us.len().saturating_sub(1);
        let index = ((last as f64) * fraction).round() as usize;
        f64::from(self.latencies_us.get(index).copied().unwrap_or_default()) / 1000.0
    }
}

/// `load PORTS SECONDS ROUNDS [SERVER_PID]`: the server tables, then the client table.
pub fn run(args: &[String]) -> Result<(), String> {
    let (ports, seconds, rounds, server_pid) = match args {
        [ports, seconds, rounds] => (ports, seconds, rounds, None),
        [ports, seconds, rounds, pid] => (ports, seconds, rounds, Some(pid.as_str())),
        _ => {
            return Err(
                "usage: bench-runtime load GENERATED,COPYING,SHARING SECONDS ROUNDS [SERVER_PID]"
                    .into(),
            );
        }
    };
    let ports: Vec<u16> = ports
        .split(',')
        .map(|port| port.parse().map_err(|_| format!("not a port: {port}")))
        .collect::<Result<_, _>>()?;
    if ports.len() != SERVERS.len() {
        return Err("three ports are needed".into());
    }
    let slot = Duration::from_secs_f64(seconds.parse().map_err(|_| "SECONDS is a number")?);
    let rounds: usize = rounds.parse().map_err(|_| "ROUNDS is a count")?;
    let server_clock = server_pid.map(|pid| format!("/proc/{pid}/schedstat"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("no runtime: {error}"))?;
    runtime.block_on(async {
        let one = Records::new(1).0[0].uuid.ok_or("a record has no UUID")?;
        let cases = [
            Case {
                name: "300-record list",
                path: format!("{LIST_PATH}?page_size=300"),
                connections: 8,
            },
            Case {
                name: "one record",
                path: retrieve_path(one),
                connections: 32,
            },
        ];
        let load = Load {
            ports: &ports,
            slot,
            rounds,
            server_clock: server_clock.as_deref(),
        };
        servers(&cases, &load).await?;
        client::run(ports[2], rounds).await
    })
}

/// How the servers are loaded.
struct Load<'a> {
    ports: &'a [u16],
    slot: Duration,
    rounds: usize,
    /// The server's `/proc/<pid>/schedstat`, whose first field is its main thread's CPU time.
    server_clock: Option<&'a str>,
}

/// A thread's time on a CPU so far, from a `schedstat` file (nanoseconds, first field).
pub fn cpu_time(schedstat: &str) -> Option<Duration> {
    let text = std::fs::read_to_string(schedstat).ok()?;
    let nanos = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

async fn servers(cases: &[Case], load: &Load<'_>) -> Result<(), String> {
    let mut tallies: Vec<Vec<Tally>> = cases
        .iter()
        .map(|_| SERVERS.iter().map(|_| Tally::default()).collect())
        .collect();
    // One short warm-up per server and case, not counted.
    for case in cases {
        for &port in load.ports {
            drive(port, case, load.slot / 4).await?;
        }
    }
    for round in 0..load.rounds {
        for (case_index, case) in cases.iter().enumerate() {
            for turn in 0..SERVERS.len() {
                let server = (round + turn) % SERVERS.len();
                let before = load.server_clock.and_then(cpu_time);
                let tally = drive(load.ports[server], case, load.slot).await?;
                let after = load.server_clock.and_then(cpu_time);
                let total = &mut tallies[case_index][server];
                if let (Some(before), Some(after)) = (before, after) {
                    total.server_cpu += after.saturating_sub(before);
                }
                total.rates.push(tally.per_second());
                total.requests += tally.requests;
                total.elapsed += tally.elapsed;
                total.latencies_us.extend(tally.latencies_us);
            }
        }
    }
    let measured_cpu = load.server_clock.is_some();
    println!(
        "| case | server | requests/s, median of rounds | mean | p50 ms | p99 ms | server CPU µs per request |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    let mut ratios = Vec::new();
    for (case, tallies) in cases.iter().zip(&mut tallies) {
        for (server, tally) in SERVERS.iter().zip(tallies.iter_mut()) {
            let (p50, p99) = (tally.percentile(0.50), tally.percentile(0.99));
            let (median, mean) = (tally.median_rate(), tally.per_second());
            let cpu = if measured_cpu {
                format!("{:.1}", tally.cpu_per_request())
            } else {
                "not measured".to_owned()
            };
            let name = format!("{}, {} connections", case.name, case.connections);
            println!(
                "| {name} | {server} | {median:.0} | {mean:.0} | {p50:.2} | {p99:.2} | {cpu} |"
            );
        }
        let rate = [0, 1, 2].map(|index| tallies[index].median_rate());
        // Requests per CPU second: the inverse of CPU per request.
        let efficiency = [0, 1, 2].map(|index| 1.0 / tallies[index].cpu_per_request());
        ratios.push((case.name, rate, efficiency));
    }
    println!();
    println!(
        "| case | generated ÷ copying | generated ÷ sharing | generated ÷ best hand-written |"
    );
    println!("| --- | ---: | ---: | ---: |");
    for (name, [generated, copying, sharing], efficiency) in &ratios {
        let (by_copying, by_sharing) = (generated / copying, generated / sharing);
        let best = generated / copying.max(*sharing);
        println!("| {name}, requests/s | {by_copying:.2} | {by_sharing:.2} | **{best:.2}** |");
        if measured_cpu {
            let [generated, copying, sharing] = efficiency;
            let (by_copying, by_sharing) = (generated / copying, generated / sharing);
            let best = generated / copying.max(*sharing);
            println!(
                "| {name}, requests per server CPU second | {by_copying:.2} | {by_sharing:.2} | **{best:.2}** |"
            );
        }
    }
    println!();
    Ok(())
}

/// Sends `case` to `port` from its connections for `duration`.
async fn drive(port: u16, case: &Case, duration: Duration) -> Result<Tally, String> {
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: {AUTHORIZATION_VALUE}\r\nAccept: application/json\r\n\r\n",
        case.path
    );
    let started = Instant::now();
    let deadline = started + duration;
    let mut connections = Vec::new();
    for _ in 0..case.connections {
        let request = request.clone().into_bytes();
        connections.push(tokio::spawn(connection(port, request, deadline)));
    }
    let mut tally = Tally::default();
    for connection in connections {
        let latencies = connection.await.map_err(|error| error.to_string())??;
        tally.requests += latencies.len() as u64;
        tally.latencies_us.extend(latencies);
    }
    tally.elapsed = started.elapsed();
    Ok(tally)
}

/// One keep-alive connection sending `request` until `deadline`; the latency of each answer.
async fn connection(port: u16, request: Vec<u8>, deadline: Instant) -> Result<Vec<u32>, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|error| format!("cannot connect to {port}: {error}"))?;
    stream
        .set_nodelay(true)
        .map_err(|error| error.to_string())?;
    let mut scratch = vec![0u8; 1 << 16];
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let sent = Instant::now();
        stream
            .write_all(&request)
            .await
            .map_err(|error| error.to_string())?;
        read_response(&mut stream, &mut scratch).await?;
        let micros = sent.elapsed().as_micros();
        latencies.push(u32::try_from(micros).unwrap_or(u32::MAX));
    }
    Ok(latencies)
}

/// Reads one `200` response with a `Content-Length` body into `scratch`, keeping nothing: the
/// body is counted, not copied, so the load generator stays cheaper than the servers it loads.
async fn read_response(stream: &mut TcpStream, scratch: &mut [u8]) -> Result<(), String> {
    let mut filled = 0;
    let (head_end, length) = loop {
        let read = stream
            .read(&mut scratch[filled..])
            .await
            .map_err(|error| error.to_string())?;
        if read == 0 {
            return Err("the server closed the connection, or sent a head too large".into());
        }
        let searched_from = filled.saturating_sub(3);
        filled += read;
        let found = scratch[searched_from..filled]
            .windows(4)
            .position(|window| window == b"\r\n\r\n");
        if let Some(position) = found {
            let end = searched_from + position;
            break (end + 4, head_length(&scratch[..end])?);
        }
    };
    let mut remaining = (head_end + length).saturating_sub(filled);
    while remaining > 0 {
        let read = stream
            .read(scratch)
            .await
            .map_err(|error| error.to_string())?;
        if read == 0 {
            return Err("the server closed the connection mid-body".into());
        }
        remaining = remaining.saturating_sub(read);
    }
    Ok(())
}

/// The `Content-Length` of a `200` response's head.
fn head_length(head: &[u8]) -> Result<usize, String> {
    if !head.starts_with(b"HTTP/1.1 200") {
        let line = head.split(|&byte| byte == b'\r').next().unwrap_or_default();
        return Err(format!(
            "unexpected answer: {}",
            String::from_utf8_lossy(line)
        ));
    }
    const NAME: &[u8] = b"content-length:";
    for line in head.split(|&byte| byte == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > NAME.len() && line[..NAME.len()].eq_ignore_ascii_case(NAME) {
            let value = String::from_utf8_lossy(&line[NAME.len()..]);
            return value
                .trim()
                .parse()
                .map_err(|_| "a bad content-length".to_owned());
        }
    }
    Err("no content-length".into())
}
