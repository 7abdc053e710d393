//! Drives the core's Port planner with real HTTP (reqwest on tokio): `tfe-catalog port push` and
//! the live updates of `tfe-catalog serve`. The planner decides every request, wait and retry;
//! this file performs them, holding the Port credentials and token, which the core never sees.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use indicatif::ProgressBar;
use serde_json::{Value, json};
use tfe_catalog_core::port::PortEntity;
use tfe_catalog_core::port::planner::{Job, Output, PortConfig, PortPlanner, PortRequest};
use tfe_catalog_core::port::push::{Push, PushReport};
use tfe_catalog_core::sync::{HttpResponse, Input};

/// Port credentials, a token once one was issued, and the clock jobs share.
pub struct PortSession {
    client: reqwest::Client,
    client_id: String,
    client_secret: String,
    token: Option<String>,
    token_expires_ms: Option<u64>,
    clock: Instant,
    /// Settings of every job.
    pub config: PortConfig,
}

impl PortSession {
    /// A session for `config`, with the credentials read from the environment by the caller.
    pub fn new(config: PortConfig, client_id: String, client_secret: String) -> Result<Self> {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
        Ok(PortSession {
            client,
            client_id,
            client_secret,
            token: None,
            token_expires_ms: None,
            clock: Instant::now(),
            config,
        })
    }

    fn now(&self) -> u64 {
        self.clock.elapsed().as_millis() as u64
    }

    /// Runs `job` to its end; `progress` gets a tick per request.
    pub async fn run<J: Job>(&mut self, job: J, progress: &ProgressBar) -> Result<J::Report> {
        let mut planner = PortPlanner::new(self.config.clone(), job).with_token(self.token_expires_ms);
        loop {
            match planner.poll_output(self.now()) {
                Output::Request(request) => {
                    let input = self.perform(&request).await;
                    report(progress, &request, &input);
                    planner.handle_input(input, self.now());
                    self.token_expires_ms = planner.token_expires_ms();
                }
                Output::Wait { until_ms } => {
                    let until = until_ms.context("the Port planner waits for nothing")?;
                    tokio::time::sleep(Duration::from_millis(until.saturating_sub(self.now()))).await;
                }
                Output::Done(report) => return Ok(report),
                Output::Failed { error, .. } => bail!("{error}"),
            }
        }
    }

    async fn perform(&mut self, request: &PortRequest) -> Input {
        let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut builder = self.client.request(method, &request.url);
        if request.credentials {
            let credentials = json!({"clientId": self.client_id, "clientSecret": self.client_secret});
            builder = with_json(builder, &credentials);
        } else {
            if let Some(token) = &self.token {
                builder = builder.bearer_auth(token);
            }
            if let Some(body) = &request.body {
                builder = with_json(builder, body);
            }
        }
        // reqwest's errors name the URL and the cause, never the request body or headers.
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => return Input::TransportError { id: request.id, message: e.to_string() },
        };
        let status = response.status().as_u16();
        let headers = crate::sync::header_pairs(&response);
        let mut body = match response.text().await {
            Ok(body) => body,
            Err(e) => return Input::TransportError { id: request.id, message: format!("body cut short: {e}") },
        };
        if request.credentials && status == 200 {
            // Keep the token here; the planner only needs its lifetime.
            let mut answer: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
            self.token = answer["accessToken"].as_str().map(str::to_owned);
            if let Some(object) = answer.as_object_mut() {
                object.remove("accessToken");
            }
            body = answer.to_string();
        }
        Input::Response(HttpResponse { id: request.id, status, headers, body })
    }
}

fn with_json(builder: reqwest::RequestBuilder, body: &Value) -> reqwest::RequestBuilder {
    builder.header("content-type", "application/json").body(body.to_string())
}

fn report(progress: &ProgressBar, request: &PortRequest, input: &Input) {
    let outcome = match input {
        Input::Response(r) => r.status.to_string(),
        Input::TransportError { message, .. } => message.clone(),
    };
    if progress.is_hidden() {
        eprintln!("{} {} -> {outcome}", request.method, request.url);
    } else {
        progress.inc(1);
        progress.set_message(format!("{outcome} {} {}", request.method, request.url));
    }
}

/// What a push did, and how long each half took.
pub struct PushOutcome {
    /// The core's report.
    pub report: PushReport,
    /// Reading TFE, in ms.
    pub tfe_ms: u64,
    /// Talking to Port, in ms.
    pub port_ms: u64,
}

/// One `port push`: reads the organization from TFE (nothing is sent to Port if that fails), then
/// makes Port equal to it.
pub async fn push(
    session: &mut PortSession,
    tfe_config: Value,
    tfe_token: &str,
    native: bool,
    dry_run: bool,
) -> Result<PushOutcome> {
    let (organization, entities, tfe_ms) = read_tfe(tfe_config, tfe_token, native).await?;
    push_entities(session, &organization, entities, tfe_ms, dry_run).await
}

/// The organization's Port entities, from a complete TFE sync, and how long the sync took.
pub async fn read_tfe(tfe_config: Value, tfe_token: &str, native: bool) -> Result<(String, Vec<PortEntity>, u64)> {
    let organization = tfe_config["organization"].as_str().unwrap_or_default().to_owned();
    let outcome = crate::sync::run(tfe_config, tfe_token, native)
        .await
        .context("TFE could not be read; nothing was changed in Port")?;
    let mut entities = tfe_catalog_core::port::to_port(&outcome.entities, &organization);
    tfe_catalog_core::port::add_outputs(&mut entities, &outcome.outputs);
    Ok((organization, entities, outcome.elapsed.as_millis() as u64))
}

/// Makes Port's entities of `organization` equal to `entities`.
pub async fn push_entities(
    session: &mut PortSession,
    organization: &str,
    entities: Vec<PortEntity>,
    tfe_ms: u64,
    dry_run: bool,
) -> Result<PushOutcome> {
    let progress = crate::sync::progress_bar();
    let started = Instant::now();
    let report = session.run(Push::new(organization, entities, dry_run), &progress).await;
    progress.finish_and_clear();
    Ok(PushOutcome { report: report?, tfe_ms, port_ms: started.elapsed().as_millis() as u64 })
}

/// The plan of a push, one line per change, for `--dry-run`.
pub fn plan_lines(report: &PushReport) -> String {
    let mut out = String::new();
    for b in &report.blueprints {
        out.push_str(&format!(
            "{} blueprint {}\n",
            b["action"].as_str().unwrap_or("?"),
            b["identifier"].as_str().unwrap_or("?")
        ));
    }
    for (verb, list) in [("create", &report.creates), ("update", &report.updates), ("delete", &report.deletes)] {
        for name in list {
            out.push_str(&format!("{verb} {name}\n"));
        }
    }
    for name in &report.conflicts {
        out.push_str(&format!("skip {name} (an entity this tool did not create holds the identifier)\n"));
    }
    out
}

/// One line about a push.
pub fn summary(report: &PushReport) -> String {
    let verb = if report.dry_run { "would" } else { "did" };
    format!(
        "{} {verb}: {} created, {} updated, {} deleted, {} unchanged, {} conflicts, {} errors; {} Port requests ({} writes, {} retries)",
        report.organization,
        report.creates.len(),
        report.updates.len(),
        report.deletes.len(),
        report.unchanged,
        report.conflicts.len(),
        report.errors.len(),
        report.stats.requests,
        report.stats.writes,
        report.stats.retries,
    )
}
