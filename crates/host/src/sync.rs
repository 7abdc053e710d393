//! Drives the core's sync planner with real HTTP (reqwest on tokio): performs the requests it asks
//! for, adding the token, and sleeps when it says wait. The planner runs natively or in the wasm
//! guest; the guest's outputs are read into the same shapes.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;
use serde_json::Value;
use tfe_catalog_core as core;

use crate::guest::Guest;

/// A planner, native or in the guest.
enum Planner {
    Native(Box<core::SyncPlanner>),
    Wasm { guest: Box<Guest>, handle: u32 },
}

/// What the planner said, read the same from either runtime (the guest's JSON has the shape of
/// the core's `Output`; fields the driver does not use are ignored).
#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Polled {
    Request(core::HttpRequest),
    Wait {
        #[serde(rename = "untilMs")]
        until_ms: Option<u64>,
    },
    Done {
        /// Empty from the guest, which says how many there are and how many to read at once.
        #[serde(default)]
        entities: Vec<core::Entity>,
        #[serde(default, rename = "entityCount")]
        entity_count: usize,
        #[serde(default, rename = "entityChunk")]
        entity_chunk: usize,
        #[serde(default)]
        outputs: BTreeMap<String, Vec<core::tfe::Output>>,
        stats: Value,
    },
    Failed {
        error: String,
    },
}

impl Planner {
    fn new(config: &Value, native: bool) -> Result<Self> {
        if native {
            let config: core::SyncConfig = serde_json::from_value(config.clone())?;
            return Ok(Planner::Native(Box::new(core::SyncPlanner::new(config)?)));
        }
        let mut guest = Box::new(Guest::new()?);
        let handle = serde_json::from_str(&operation(&mut guest, "plannerNew", &[config], "")?)?;
        Ok(Planner::Wasm { guest, handle })
    }

    fn poll(&mut self, now_ms: u64) -> Result<Polled> {
        match self {
            Planner::Native(p) => Ok(match p.poll_output(now_ms) {
                core::Output::Request(request) => Polled::Request(request),
                core::Output::Wait { until_ms } => Polled::Wait { until_ms },
                core::Output::Done(snapshot) => {
                    let stats = serde_json::to_value(&snapshot.stats)?;
                    Polled::Done {
                        stats,
                        entity_count: snapshot.entities.len(),
                        entity_chunk: snapshot.entities.len(),
                        entities: snapshot.entities.into_iter().map(|text| text.get()).collect(),
                        outputs: snapshot.outputs.into_iter().map(|(id, outputs)| (id, outputs.get())).collect(),
                    }
                }
                core::Output::Failed { error, .. } => Polled::Failed { error },
            }),
            // The operations the Node shim calls, the same way: a `done` output says how many
            // entities its snapshot has, and they are read in chunks (the guest keeps them, and
            // frees them with the planner, so no one result holds the whole organization).
            Planner::Wasm { guest, handle } => {
                let mut polled: Polled =
                    serde_json::from_str(&operation(guest, "plannerPoll", &(*handle, now_ms), "")?)?;
                if let Polled::Done { entities, entity_count, entity_chunk, .. } = &mut polled {
                    let chunk = (*entity_chunk).max(1);
                    entities.reserve(*entity_count);
                    for start in (0..*entity_count).step_by(chunk) {
                        let text = operation(guest, "plannerEntities", &(*handle, start, chunk), "")?;
                        entities.extend(serde_json::from_str::<Vec<core::Entity>>(&text)?);
                    }
                }
                Ok(polled)
            }
        }
    }

    fn input(&mut self, mut input: core::Input, now_ms: u64) -> Result<()> {
        match self {
            Planner::Native(p) => p.handle_input(input, now_ms),
            Planner::Wasm { guest, handle } => {
                // The body travels as the payload, as Node sends it: not escaped into the JSON.
                let body = match &mut input {
                    core::Input::Response(response) => std::mem::take(&mut response.body),
                    core::Input::TransportError { .. } => String::new(),
                };
                operation(guest, "plannerInput", &(*handle, &input, now_ms), &body)?;
            }
        }
        Ok(())
    }
}

/// Runs the guest's operation `name` on `args` (serialized as its JSON array of arguments) and
/// `payload` (a body, sent as raw bytes); its result text, or the core's error.
fn operation(guest: &mut Guest, name: &str, args: &impl serde::Serialize, payload: &str) -> Result<String> {
    let args = serde_json::to_vec(args)?;
    guest.call_operation(name, &args, payload.as_bytes())?.map_err(|e| anyhow!(e))
}

impl Drop for Planner {
    /// Frees the guest's planner; a failure here can only mean the guest already trapped.
    fn drop(&mut self) {
        if let Planner::Wasm { guest, handle } = self {
            let _ = operation(guest, "plannerFree", &[*handle], "");
        }
    }
}

/// What a sync produced.
pub struct SyncOutcome {
    /// The snapshot's entities.
    pub entities: Vec<core::Entity>,
    /// Each workspace's outputs (`ws-…` → outputs), where the listing gave them.
    pub outputs: BTreeMap<String, Vec<core::tfe::Output>>,
    /// The planner's counters.
    pub stats: Value,
    /// Wall time.
    pub elapsed: Duration,
    /// From the last answer handed to the planner to the snapshot in the host's hands: the end of
    /// the sync that no pacing wait hides (the last page mapped, names made unique, entities sorted,
    /// and their texts read back into structs: from the guest in chunks, natively all at once).
    pub tail: Duration,
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
    let mut last_answer = start;
    loop {
        match planner.poll(now())? {
            Polled::Request(request) => {
                let (client, token) = (client.clone(), token.to_owned());
                in_flight.spawn(async move {
                    let input = perform(&client, &request, &token).await;
                    (request, input)
                });
            }
            Polled::Wait { until_ms } => {
                anyhow::ensure!(until_ms.is_some() || !in_flight.is_empty(), "the planner waits for nothing");
                let wait = until_ms.map_or(Duration::MAX, |t| Duration::from_millis(t.saturating_sub(now())));
                tokio::select! {
                    Some(answered) = in_flight.join_next() => {
                        let (request, input) = answered?;
                        report(&progress, &request, &input);
                        last_answer = Instant::now();
                        planner.input(input, now())?;
                    }
                    () = tokio::time::sleep(wait), if until_ms.is_some() => {}
                }
            }
            Polled::Done { entities, outputs, stats, .. } => {
                progress.finish_and_clear();
                return Ok(SyncOutcome {
                    entities,
                    outputs,
                    stats,
                    elapsed: start.elapsed(),
                    tail: last_answer.elapsed(),
                });
            }
            Polled::Failed { error } => {
                progress.finish_and_clear();
                bail!("sync failed, nothing written: {error}");
            }
        }
    }
}

async fn perform(client: &reqwest::Client, request: &core::HttpRequest, token: &str) -> core::Input {
    let id = request.id;
    let mut builder = client.get(&request.url).bearer_auth(token);
    for (k, v) in &request.headers {
        builder = builder.header(k, v);
    }
    // reqwest's errors name the URL and the cause, never the request headers.
    let response = match builder.send().await {
        Ok(r) => r,
        Err(e) => return core::Input::TransportError { id, message: e.to_string() },
    };
    let status = response.status().as_u16();
    let headers = header_pairs(&response);
    match response.text().await {
        Ok(body) => core::Input::Response(core::HttpResponse { id, status, headers, body }),
        Err(e) => core::Input::TransportError { id, message: format!("body cut short: {e}") },
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

fn report(progress: &ProgressBar, request: &core::HttpRequest, input: &core::Input) {
    let url = &request.url;
    let outcome = match input {
        core::Input::Response(response) => response.status.to_string(),
        core::Input::TransportError { message, .. } => message.clone(),
    };
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
