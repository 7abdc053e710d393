//! Drives the core's sync planner with real HTTP (reqwest on tokio): performs the requests it asks
//! for, adding the token, and sleeps when it says wait. The planner runs natively or in the wasm
//! guest; either way the driver only sees its JSON outputs.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use tfe_catalog_core as core;

use crate::guest::Guest;

/// A planner, native or in the guest, seen through its JSON outputs.
enum Planner {
    Native(Box<core::SyncPlanner>),
    Wasm { guest: Box<Guest>, handle: u32 },
}

impl Planner {
    fn new(config: &Value, native: bool) -> Result<Self> {
        if native {
            let config: core::SyncConfig = serde_json::from_value(config.clone())?;
            return Ok(Planner::Native(Box::new(core::SyncPlanner::new(config)?)));
        }
        let mut guest = Box::new(Guest::new()?);
        let handle = guest.planner_new(&config.to_string())?.map_err(|e| anyhow!(e))?;
        Ok(Planner::Wasm { guest, handle })
    }

    fn poll(&mut self, now_ms: u64) -> Result<Value> {
        match self {
            Planner::Native(p) => Ok(serde_json::to_value(p.poll_output(now_ms))?),
            Planner::Wasm { guest, handle } => {
                let text = guest.planner_poll(*handle, now_ms)?.map_err(|e| anyhow!(e))?;
                Ok(serde_json::from_str(&text)?)
            }
        }
    }

    fn input(&mut self, input: Value, now_ms: u64) -> Result<()> {
        match self {
            Planner::Native(p) => p.handle_input(serde_json::from_value(input)?, now_ms),
            Planner::Wasm { guest, handle } => {
                guest.planner_input(*handle, &input.to_string(), now_ms)?.map_err(|e| anyhow!(e))?;
            }
        }
        Ok(())
    }
}

impl Drop for Planner {
    /// Frees the guest's planner; a failure here can only mean the guest already trapped.
    fn drop(&mut self) {
        if let Planner::Wasm { guest, handle } = self {
            let _ = guest.planner_drop(*handle);
        }
    }
}

/// What a sync produced.
pub struct SyncOutcome {
    /// The snapshot's entities.
    pub entities: Vec<core::Entity>,
    /// The planner's counters.
    pub stats: Value,
    /// Wall time.
    pub elapsed: Duration,
}

/// Runs one sync of `config` (the core's `SyncConfig` as JSON) with `token`. Requests run
/// concurrently as the planner hands them out; the loop waits for whichever comes first, the
/// planner's next pacing slot or an answer, and hands each answer in as it arrives.
pub async fn run(config: Value, token: &str, native: bool) -> Result<SyncOutcome> {
    let mut planner = Planner::new(&config, native)?;
    // The clock starts once the planner (and the wasm guest) is ready: `elapsed` is the sync.
    let start = Instant::now();
    let now = || start.elapsed().as_millis() as u64;
    let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
    let progress = progress_bar();
    // Dropped on return: whatever is still in flight then is abandoned, as the planner allows.
    let mut in_flight = tokio::task::JoinSet::new();
    loop {
        let mut out = planner.poll(now())?;
        match out["type"].as_str() {
            Some("request") => {
                let (client, token) = (client.clone(), token.to_owned());
                in_flight.spawn(async move {
                    let input = perform(&client, &out, &token).await;
                    (out, input)
                });
            }
            Some("wait") => {
                let until = out["untilMs"].as_u64();
                anyhow::ensure!(until.is_some() || !in_flight.is_empty(), "the planner waits for nothing");
                let sleep =
                    tokio::time::sleep(Duration::from_millis(until.map_or(u64::MAX >> 2, |t| t.saturating_sub(now()))));
                tokio::select! {
                    Some(answered) = in_flight.join_next() => {
                        let (request, input) = answered?;
                        report(&progress, &request, &input);
                        planner.input(input, now())?;
                    }
                    () = sleep, if until.is_some() => {}
                }
            }
            Some("done") => {
                progress.finish_and_clear();
                let entities = serde_json::from_value(out["entities"].take())?;
                return Ok(SyncOutcome { entities, stats: out["stats"].take(), elapsed: start.elapsed() });
            }
            Some("failed") => {
                progress.finish_and_clear();
                bail!("sync failed, nothing written: {}", out["error"].as_str().unwrap_or("unknown error"));
            }
            _ => bail!("the planner said something unexpected: {out}"),
        }
    }
}

async fn perform(client: &reqwest::Client, request: &Value, token: &str) -> Value {
    let id = request["id"].clone();
    let url = request["url"].as_str().unwrap_or_default();
    let mut builder = client.get(url).bearer_auth(token);
    for pair in request["headers"].as_array().into_iter().flatten() {
        if let (Some(k), Some(v)) = (pair[0].as_str(), pair[1].as_str()) {
            builder = builder.header(k, v);
        }
    }
    // reqwest's errors name the URL and the cause, never the request headers.
    let response = match builder.send().await {
        Ok(r) => r,
        Err(e) => return json!({"type": "transportError", "id": id, "message": e.to_string()}),
    };
    let status = response.status().as_u16();
    let headers = header_pairs(&response);
    match response.text().await {
        Ok(body) => {
            json!({"type": "response", "id": id, "status": status, "headers": headers, "body": body})
        }
        Err(e) => {
            json!({"type": "transportError", "id": id, "message": format!("body cut short: {e}")})
        }
    }
}

/// A response's headers as the core's planners take them: `(name, value)` pairs, values that are
/// not text read as empty.
pub(crate) fn header_pairs(response: &reqwest::Response) -> Vec<(String, String)> {
    response.headers().iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned())).collect()
}

/// A spinner on a terminal; plain log lines otherwise.
pub(crate) fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {elapsed} {pos} requests  {msg}").expect("valid template"));
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn report(progress: &ProgressBar, request: &Value, input: &Value) {
    let url = request["url"].as_str().unwrap_or_default();
    let outcome =
        input["status"].as_u64().map_or_else(|| input["message"].as_str().unwrap_or("").to_owned(), |s| s.to_string());
    if progress.is_hidden() {
        eprintln!("GET {url} -> {outcome}");
    } else {
        progress.inc(1);
        progress.set_message(format!("{outcome} {url}"));
    }
}

/// Peak resident memory of this process in KiB (Linux), for the benchmark.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
