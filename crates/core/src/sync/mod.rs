//! The sync planner: a sans-IO state machine that fetches one organization from TFE and ends with
//! a complete snapshot of its entities, or an error. Never with a partial snapshot.
//!
//! # Driving it
//!
//! Hosts (the Node shim, the Rust CLI, the tests) run the same short loop:
//!
//! ```text
//! loop {
//!     match planner.poll_output(now_ms) {
//!         Output::Request(req) => perform it (adding `Authorization: Bearer <token>`), then
//!                                 planner.handle_input(Input::Response(..) or Input::TransportError(..), now_ms)
//!         Output::Wait { until_ms } => sleep until `until_ms`, then poll again
//!         Output::Done(snapshot) => apply it as one full mutation; stop
//!         Output::Failed { error } => log it, leave the catalog as it is; stop
//!     }
//! }
//! ```
//!
//! After every input, poll until the planner asks for a request or says wait. Requests are plain
//! data and carry no credentials: the host adds the token, so the core never sees it.
//!
//! # What it decides
//!
//! A first `GET /api/v2/ping` to read `X-RateLimit-Limit`, then pacing so that requests stay under
//! that limit (a token bucket of burst 1 at 97 % of it: TFE counts per sliding second, so a burst
//! would have to be paid back inside the same second), paging (`page[size]=100`,
//! `include=current_run`, following `links.next` on the configured host or
//! `meta.pagination.next-page`), retries of 429 (after `X-RateLimit-Reset`), 5xx and network
//! errors with bounded exponential backoff and jitter, a time budget per sync, and detection of a
//! listing that shifted while it was paged (a workspace added or deleted between pages), which
//! restarts the listing.

mod retry;

use serde::{Deserialize, Serialize};

use crate::catalog::{self, Entity, MapOptions};
use crate::error::{ParseError, SyncError};
use crate::tfe::{Document, jsonapi, parse_document};

pub use retry::RetryPolicy;

/// What a sync of one organization needs: the mapping options (`organization` required) and how
/// to page and retry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncConfig {
    /// Organization (required), namespace, owners, host, ...
    #[serde(flatten)]
    pub options: MapOptions,
    /// `page[size]`: TFE's maximum, 100, by default.
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// Retries and time budget; `null` or absent means the defaults.
    #[serde(default, deserialize_with = "retry::null_is_default")]
    pub retry: RetryPolicy,
    /// Seed of the jitter: the core draws no random numbers, so the host passes one in.
    #[serde(default)]
    pub seed: u64,
    /// Set for an incremental refresh instead of a full sync: read the organization's runs list,
    /// newest first, back to runs created at this time (RFC 3339), and end with the latest run of
    /// each workspace ([`Snapshot::runs`]) instead of entities.
    #[serde(default)]
    pub refresh_since: Option<String>,
    /// When each workspace's assessment the host already knows was made (`ws-…` → RFC 3339): a
    /// full sync reads the current assessment result only of workspaces whose listing shows a
    /// newer one, so drift costs one request per changed assessment, not one per workspace.
    #[serde(default)]
    pub known_assessments: std::collections::BTreeMap<String, String>,
    /// Read changed assessment results at all. The plugin does (it keeps what it read, so each
    /// result is read once); a stateless run, such as the CLI's `sync`, would read every assessed
    /// workspace every time, so it is off unless asked for.
    #[serde(default)]
    pub read_assessments: bool,
}

fn default_page_size() -> u32 {
    100
}

/// TFE's documented limit, assumed until the ping says otherwise.
const DEFAULT_RATE_LIMIT: f64 = 30.0;
/// The share of the limit the planner uses.
const RATE_LIMIT_SHARE: f64 = 0.97;

/// Milliseconds between requests for a limit of `per_second`.
fn interval_ms(per_second: f64) -> u64 {
    (1000.0 / (per_second * RATE_LIMIT_SHARE)).ceil() as u64
}

/// A request for the host to perform. It carries no credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    /// Echo it back in the response.
    pub id: u64,
    /// Always `GET` for syncs.
    pub method: String,
    /// Absolute URL on the configured TFE host.
    pub url: String,
    /// Headers to send, besides `Authorization`.
    pub headers: Vec<(String, String)>,
}

/// What the host got back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpResponse {
    /// The request's id.
    pub id: u64,
    /// HTTP status.
    pub status: u16,
    /// Response headers (any case).
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body as text.
    #[serde(default)]
    pub body: String,
}

/// Inputs to the planner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Input {
    /// An HTTP response (any status).
    Response(HttpResponse),
    /// The request failed below HTTP (connection refused or dropped, truncated body, timeout).
    TransportError {
        /// The request's id.
        id: u64,
        /// What went wrong, without credentials.
        message: String,
    },
}

/// What the planner wants next.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Output {
    /// Perform this request and hand its outcome to [`SyncPlanner::handle_input`].
    Request(HttpRequest),
    /// Nothing to do before `until_ms` (or before an outstanding response, when `None`).
    Wait {
        /// When to poll again.
        #[serde(rename = "untilMs")]
        until_ms: Option<u64>,
    },
    /// The sync is complete. Returned once.
    Done(Snapshot),
    /// The sync failed; apply nothing. Returned once.
    Failed {
        /// Why, without credentials.
        error: String,
        /// How far it got.
        stats: SyncStats,
        /// The typed error.
        #[serde(skip)]
        cause: SyncError,
    },
}

/// A complete, consistent view of one organization.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    /// The organization.
    pub organization: String,
    /// Every entity of the organization (empty after an incremental refresh).
    pub entities: Vec<Entity>,
    /// After an incremental refresh: the latest run of each workspace that ran since.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<crate::run::RunUpdate>,
    /// After a full sync: the assessments newer than the host knew.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assessments: Vec<Assessment>,
    /// After a full sync: each workspace's outputs (`ws-…` → outputs), where the listing had them.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub outputs: std::collections::BTreeMap<String, Vec<crate::tfe::Output>>,
    /// How the sync went.
    pub stats: SyncStats,
}

/// A workspace's health assessment, read during a full sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    /// `ws-…`.
    pub workspace_id: String,
    /// Its result.
    pub drift: crate::state::DriftFacts,
}

/// Counters of one sync.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStats {
    /// Requests asked for.
    pub requests: u32,
    /// Pages received.
    pub pages: u32,
    /// Requests repeated after a 429, 5xx or network error.
    pub retries: u32,
    /// 429 answers.
    pub rate_limited: u32,
    /// Listings restarted because they shifted while paged.
    pub restarts: u32,
    /// Assessment results read (one per workspace whose assessment changed).
    pub assessments: u32,
    /// The least time between requests, from the probed rate limit.
    pub min_interval_ms: u64,
}

/// How many times a shifting listing is restarted before the sync fails.
const MAX_RESTARTS: u32 = 3;

/// One paginated collection of the organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Listing {
    /// Path segment under `/organizations/:org/`.
    path: &'static str,
    /// `include=` value.
    include: Option<&'static str>,
    /// A 404 means "not entitled to this feature" (TFE answers 404 for that), not failure.
    optional: bool,
    /// Limited to 30 requests per minute (the run lists), not per second.
    per_minute: bool,
}

/// What a sync reads, in order: projects and modules first, so that workspaces can be linked to
/// them; workspaces with their current runs included (no per-workspace run calls).
const LISTINGS: [Listing; 3] = [
    Listing { path: "projects", include: None, optional: false, per_minute: false },
    Listing { path: "registry-modules", include: None, optional: true, per_minute: false },
    Listing {
        path: "workspaces",
        include: Some("current_run,current_run.configuration_version.ingress_attributes,locked_by,outputs"),
        optional: false,
        per_minute: false,
    },
];

/// What an incremental refresh reads: the organization's runs, newest first. This list has no
/// totals (`next-page` only) and its own limit of 30 requests per minute.
const REFRESH_LISTINGS: [Listing; 1] = [Listing { path: "runs", include: None, optional: false, per_minute: true }];

/// Checks a set of organizations configured together: each organization once (its state, name and
/// namespace are keyed by its name), and no two sharing a catalog namespace (one's sync would
/// take the other's entity names). Each configuration is also checked on its own.
pub fn check_organizations(configs: &[SyncConfig]) -> Result<(), SyncError> {
    let mut seen: std::collections::BTreeMap<String, (String, String)> = std::collections::BTreeMap::new();
    let mut namespaces: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for config in configs {
        let planner = SyncPlanner::new(config.clone())?;
        let (org, host, namespace) = (&planner.org.organization, &planner.org.base_url, &planner.org.namespace);
        if let Some((other_host, _)) = seen.get(org) {
            return Err(SyncError::InvalidConfig(format!(
                "organization {org} is configured twice ({other_host} and {host}); configure each organization once"
            )));
        }
        if let Some(other) = namespaces.get(namespace) {
            return Err(SyncError::InvalidConfig(format!(
                "organizations {other} and {org} would share the catalog namespace {namespace}; give one of them its own `namespace`"
            )));
        }
        seen.insert(org.clone(), (host.clone(), namespace.clone()));
        namespaces.insert(namespace.clone(), org.clone());
    }
    Ok(())
}

/// TFE's limit on run lists, per minute.
const RUN_LIST_LIMIT_PER_MINUTE: f64 = 30.0;

/// The least time between two run-list requests of one token, at the planner's share of TFE's
/// per-minute limit: what on-demand run-list reads (history back-fill) are paced by.
pub fn run_list_interval_ms() -> u64 {
    interval_ms(RUN_LIST_LIMIT_PER_MINUTE / 60.0)
}

#[derive(Debug)]
enum State {
    /// Ready to ask for `url` once `not_before_ms` has passed.
    Ready { url: String, attempt: u32, not_before_ms: u64 },
    /// `id` is in flight.
    InFlight { id: u64, url: String, attempt: u32 },
    /// Done or failed, and said so.
    Finished,
    /// Done or failed, not yet said.
    Terminal(Box<Output>),
}

/// One organization's sync. See the module docs for the drive loop.
#[derive(Debug)]
pub struct SyncPlanner {
    config: SyncConfig,
    /// The organization, its namespace, owners and host, validated once in [`SyncPlanner::new`].
    org: catalog::OrgContext,
    state: State,
    /// Index into [`Self::listings`].
    listing: usize,
    /// Ids read so far in the current listing, and its first page's `total-count`.
    listing_ids: Vec<String>,
    listing_total: Option<Option<u64>>,
    /// The ping is in flight or ahead.
    probing: bool,
    /// When the last request was handed out.
    last_request_ms: Option<u64>,
    started_at_ms: Option<u64>,
    next_id: u64,
    collected: catalog::Collected,
    /// Ready once projects and modules are read; maps each workspace page as it arrives.
    linker: Option<catalog::Linker>,
    /// Workspace entities mapped so far, by workspace id.
    resources: std::collections::BTreeMap<String, Entity>,
    /// Workspaces whose listing shows an assessment newer than the host knows.
    assessments_due: Vec<String>,
    /// After the listings: the next of `assessments_due` to read, and what was read.
    assessment_phase: Option<usize>,
    assessments: Vec<Assessment>,
    stats: SyncStats,
    rng: u64,
}

impl SyncPlanner {
    /// A planner for one organization. Validates the configuration up front, so a bad namespace or
    /// owner fails before any request is made.
    pub fn new(config: SyncConfig) -> Result<Self, SyncError> {
        let organization = config.options.organization.clone().unwrap_or_default();
        if organization.is_empty() || !organization.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(SyncError::InvalidConfig(format!(
                "organization {organization:?} is not a TFE organization name (letters, digits, - and _)"
            )));
        }
        if !(1..=100).contains(&config.page_size) {
            return Err(SyncError::InvalidConfig(format!("pageSize {} is outside TFE's 1..=100", config.page_size)));
        }
        let org = catalog::OrgContext::new(&organization, &config.options)?;
        let url = format!("{}/api/v2/ping", org.base_url);
        let rng = config.seed ^ 0x9E37_79B9_7F4A_7C15;
        Ok(SyncPlanner {
            config,
            org,
            state: State::Ready { url, attempt: 1, not_before_ms: 0 },
            listing: 0,
            listing_ids: Vec::new(),
            listing_total: None,
            probing: true,
            last_request_ms: None,
            started_at_ms: None,
            next_id: 1,
            collected: catalog::Collected::default(),
            linker: None,
            resources: std::collections::BTreeMap::new(),
            assessments_due: Vec::new(),
            assessment_phase: None,
            assessments: Vec::new(),
            stats: SyncStats { min_interval_ms: interval_ms(DEFAULT_RATE_LIMIT), ..SyncStats::default() },
            rng,
        })
    }

    /// What this planner reads: the full model, or the runs list for a refresh.
    fn listings(&self) -> &'static [Listing] {
        if self.config.refresh_since.is_some() { &REFRESH_LISTINGS } else { &LISTINGS }
    }

    /// The least time between requests now: the probed per-second limit, or the per-minute one
    /// while reading a run list.
    fn interval_now(&self) -> u64 {
        let per_minute = !self.probing && self.listings().get(self.listing).is_some_and(|l| l.per_minute);
        if per_minute {
            self.stats.min_interval_ms.max(interval_ms(RUN_LIST_LIMIT_PER_MINUTE / 60.0))
        } else {
            self.stats.min_interval_ms
        }
    }

    /// The next thing to do. See the module docs.
    pub fn poll_output(&mut self, now_ms: u64) -> Output {
        let started = *self.started_at_ms.get_or_insert(now_ms);
        if !matches!(self.state, State::Finished | State::Terminal(_))
            && now_ms.saturating_sub(started) > self.config.retry.time_budget_ms
        {
            self.fail(SyncError::TimeBudgetExceeded {
                organization: self.org.organization.clone(),
                budget_ms: self.config.retry.time_budget_ms,
            });
        }
        match std::mem::replace(&mut self.state, State::Finished) {
            State::Ready { url, attempt, not_before_ms } => {
                let paced = self.last_request_ms.map_or(0, |t| t + self.interval_now());
                let not_before_ms = not_before_ms.max(paced);
                if now_ms < not_before_ms {
                    self.state = State::Ready { url, attempt, not_before_ms };
                    return Output::Wait { until_ms: Some(not_before_ms) };
                }
                self.last_request_ms = Some(now_ms);
                let id = self.next_id;
                self.next_id += 1;
                self.stats.requests += 1;
                self.state = State::InFlight { id, url: url.clone(), attempt };
                Output::Request(HttpRequest {
                    id,
                    method: "GET".to_owned(),
                    url,
                    headers: vec![("Accept".to_owned(), "application/vnd.api+json".to_owned())],
                })
            }
            in_flight @ State::InFlight { .. } => {
                self.state = in_flight;
                Output::Wait { until_ms: None }
            }
            State::Terminal(output) => *output,
            State::Finished => Output::Wait { until_ms: None },
        }
    }

    /// Hands the planner the outcome of a request it asked for.
    pub fn handle_input(&mut self, input: Input, now_ms: u64) {
        let State::InFlight { id, url, attempt } = &self.state else {
            return self.fail(SyncError::UnexpectedInput("no request is in flight".to_owned()));
        };
        let (id, url, attempt) = (*id, url.clone(), *attempt);
        match input {
            Input::Response(resp) if resp.id == id => self.on_response(resp, url, attempt, now_ms),
            Input::TransportError { id: got, message } if got == id => {
                self.retry_or_fail(url, attempt, now_ms, None, message)
            }
            Input::Response(HttpResponse { id: got, .. }) | Input::TransportError { id: got, .. } => self
                .fail(SyncError::UnexpectedInput(format!("response to request {got}, but request {id} is in flight"))),
        }
    }

    fn on_response(&mut self, resp: HttpResponse, url: String, attempt: u32, now_ms: u64) {
        let organization = self.org.organization.clone();
        if self.probing && resp.status != 401 {
            // Any answer but 401 ends the probe; without the header the documented limit stands.
            let limit = header(&resp.headers, "x-ratelimit-limit").and_then(|v| v.trim().parse::<f64>().ok());
            if let Some(limit) = limit.filter(|l| l.is_finite() && *l >= 1.0) {
                self.stats.min_interval_ms = interval_ms(limit);
            }
            self.probing = false;
            self.state = self.first_page(now_ms);
            return;
        }
        if self.assessment_phase.is_some() && matches!(resp.status, 200 | 404) {
            return self.on_assessment(resp, url, now_ms);
        }
        match resp.status {
            200 => self.on_page(resp.body, url, attempt, now_ms),
            401 => self.fail(SyncError::Unauthorized { organization, url }),
            404 if self.listings()[self.listing].optional => self.next_listing(now_ms),
            404 => self.fail(SyncError::NotFound { organization, url }),
            429 => {
                self.stats.rate_limited += 1;
                let reset_ms = header(&resp.headers, "x-ratelimit-reset")
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(|s| (s * 1000.0).ceil() as u64);
                self.retry_or_fail(url, attempt, now_ms, reset_ms, "429 Too Many Requests".to_owned())
            }
            status if status >= 500 => self.retry_or_fail(url, attempt, now_ms, None, format!("HTTP {status}")),
            status => {
                let detail = serde_json::from_str::<serde_json::Value>(&resp.body)
                    .ok()
                    .and_then(|v| v.get("errors").map(jsonapi::describe_errors))
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default();
                self.fail(SyncError::UnexpectedStatus { status, url, detail })
            }
        }
    }

    fn on_page(&mut self, body: String, url: String, attempt: u32, now_ms: u64) {
        let doc = match parse_document(&url, &body) {
            Ok(doc) => doc,
            // A 200 with a body that is not JSON is what a truncated transfer looks like: retry.
            Err(ParseError::NotJson { reason, .. }) => {
                return self.retry_or_fail(url, attempt, now_ms, None, format!("unreadable body: {reason}"));
            }
            Err(e) => return self.fail(e.into()),
        };
        self.stats.pages += 1;
        let next = match self.next_url(&doc) {
            Ok(_) if self.reached_refresh_window(&doc) => None,
            Ok(next) => next,
            Err(e) => return self.fail(e),
        };
        let total = doc.pagination.total_count;
        let first_total = *self.listing_total.get_or_insert(total);
        if let Err(e) = self.collected.add(&url, &doc) {
            return self.fail(e.into());
        }
        self.listing_ids.extend(doc.data.iter().map(|r| r.id.clone()));
        if let Some(linker) = &self.linker {
            let due = link_workspaces(linker, &mut self.collected, &mut self.resources);
            self.note_assessments(due);
        }
        if first_total != total {
            return self.restart_listing(now_ms, format!("its total went from {first_total:?} to {total:?}"));
        }
        match next {
            Some(url) => self.state = State::Ready { url, attempt: 1, not_before_ms: now_ms },
            None => self.finish_listing(total, now_ms),
        }
    }

    /// A listing is consistent when every page reported the same `total-count` and it holds that
    /// many distinct objects. Otherwise objects moved between pages while we read them (TFE pages
    /// by offset): read it again.
    fn finish_listing(&mut self, total: Option<u64>, now_ms: u64) {
        let mut ids = std::mem::take(&mut self.listing_ids);
        ids.sort_unstable();
        ids.dedup();
        let read = ids.len() as u64;
        if let Some(total) = total.filter(|t| *t != read) {
            return self.restart_listing(now_ms, format!("{read} read, {total} expected"));
        }
        self.next_listing(now_ms);
    }

    /// Moves on to the next listing, or maps everything read once the last one is complete.
    fn next_listing(&mut self, now_ms: u64) {
        self.listing += 1;
        self.listing_ids.clear();
        self.listing_total = None;
        if self.listings().get(self.listing).is_some_and(|l| l.path == "workspaces") {
            self.linker = Some(catalog::Linker::new(&self.collected, self.org.clone()));
        }
        if self.listing < self.listings().len() {
            self.state = self.first_page(now_ms);
            return;
        }
        if self.config.refresh_since.is_some() {
            return self.finish_refresh();
        }
        // The workspace listing was last, so the linker exists; map anything it has not yet.
        let Some(linker) = self.linker.take() else {
            return self.fail(SyncError::UnexpectedInput("the listings ended before the workspaces".to_owned()));
        };
        let due = link_workspaces(&linker, &mut self.collected, &mut self.resources);
        self.note_assessments(due);
        self.collected = catalog::Collected::default();
        self.linker = Some(linker);
        self.next_assessment(now_ms);
    }

    /// Keeps the workspaces whose listed assessment is newer than the host knows.
    fn note_assessments(&mut self, listed: Vec<(String, String)>) {
        if !self.config.read_assessments {
            return;
        }
        for (workspace_id, at) in listed {
            let known = self.config.known_assessments.get(&workspace_id).and_then(|k| crate::run::millis(k));
            let newer = crate::run::millis(&at).zip(known).is_none_or(|(listed, known)| listed > known);
            if newer {
                self.assessments_due.push(workspace_id);
            }
        }
    }

    /// Reads the next due assessment result, or ends the sync with the snapshot.
    fn next_assessment(&mut self, now_ms: u64) {
        let next = self.assessment_phase.map_or(0, |i| i + 1);
        if let Some(workspace_id) = self.assessments_due.get(next) {
            self.assessment_phase = Some(next);
            let url = format!("{}/api/v2/workspaces/{workspace_id}/current-assessment-result", self.org.base_url);
            self.state = State::Ready { url, attempt: 1, not_before_ms: now_ms };
            return;
        }
        let Some(linker) = self.linker.take() else {
            return self.fail(SyncError::UnexpectedInput("the listings ended before the workspaces".to_owned()));
        };
        let outputs = linker.take_outputs();
        let entities = linker.finish(std::mem::take(&mut self.resources).into_values().collect());
        let snapshot = Snapshot {
            organization: self.org.organization.clone(),
            entities,
            outputs,
            runs: Vec::new(),
            assessments: std::mem::take(&mut self.assessments),
            stats: self.stats.clone(),
        };
        self.state = State::Terminal(Box::new(Output::Done(snapshot)));
    }

    /// An assessment result (200), or none (404: the workspace has no result any more).
    fn on_assessment(&mut self, resp: HttpResponse, url: String, now_ms: u64) {
        let workspace_id = self.assessment_phase.and_then(|i| self.assessments_due.get(i)).cloned().unwrap_or_default();
        self.stats.assessments += 1;
        if resp.status == 200 {
            match crate::tfe::assessment::drift_from_document(&url, &resp.body) {
                Ok(Some(drift)) => self.assessments.push(Assessment { workspace_id, drift }),
                Ok(None) => {}
                Err(e) => return self.fail(e.into()),
            }
        }
        self.next_assessment(now_ms);
    }

    /// The latest run of each workspace among the runs created inside the window.
    fn finish_refresh(&mut self) {
        let since = self.config.refresh_since.as_deref().and_then(crate::run::millis).unwrap_or(i64::MIN);
        let mut latest: std::collections::BTreeMap<String, crate::run::RunUpdate> = std::collections::BTreeMap::new();
        for run in std::mem::take(&mut self.collected).take_runs() {
            let created = run.created_at.as_deref().and_then(crate::run::millis);
            let (Some(workspace_id), Some(created)) = (run.workspace_id.clone(), created) else {
                continue;
            };
            // Speculative plans are never a workspace's current run.
            if created < since || run.plan_only == Some(true) {
                continue;
            }
            let newer = latest
                .get(&workspace_id)
                .and_then(|u| u.created_at.as_deref().and_then(crate::run::millis))
                .is_none_or(|seen| created > seen);
            if newer {
                latest.insert(
                    workspace_id.clone(),
                    crate::run::RunUpdate {
                        workspace_id,
                        updated_at: run.status_changed_at().map(str::to_owned),
                        created_at: run.created_at.clone(),
                        run_id: run.id,
                        status: run.status,
                    },
                );
            }
        }
        let snapshot = Snapshot {
            organization: self.org.organization.clone(),
            entities: Vec::new(),
            outputs: Default::default(),
            runs: latest.into_values().collect(),
            assessments: Vec::new(),
            stats: self.stats.clone(),
        };
        self.state = State::Terminal(Box::new(Output::Done(snapshot)));
    }

    fn restart_listing(&mut self, now_ms: u64, why: String) {
        if self.stats.restarts >= MAX_RESTARTS {
            return self.fail(SyncError::ListingKeptChanging(why));
        }
        self.stats.restarts += 1;
        self.collected.forget(self.listings()[self.listing].path);
        if self.listings()[self.listing].path == "workspaces" {
            self.resources.clear();
            self.assessments_due.clear();
        }
        self.listing_ids.clear();
        self.listing_total = None;
        self.state = self.first_page(now_ms);
    }

    /// Ready to ask for the first page of the current listing.
    fn first_page(&self, now_ms: u64) -> State {
        State::Ready { url: self.page_url(1), attempt: 1, not_before_ms: now_ms }
    }

    /// A page of the current listing.
    fn page_url(&self, page: u64) -> String {
        page_url(&self.org.base_url, &self.org.organization, self.listings()[self.listing], self.config.page_size, page)
    }

    /// During a refresh: the page holds a run created before the window, so older pages cannot
    /// hold newer runs (the list is newest first).
    fn reached_refresh_window(&self, doc: &Document) -> bool {
        let Some(since) = self.config.refresh_since.as_deref().and_then(crate::run::millis) else {
            return false;
        };
        doc.data
            .iter()
            .filter_map(|r| r.attr_str("created-at").and_then(crate::run::millis))
            .any(|created| created < since)
    }

    fn next_url(&self, doc: &Document) -> Result<Option<String>, SyncError> {
        if let Some(link) = &doc.pagination.next_link {
            if same_origin(link, &self.org.base_url) {
                return Ok(Some(link.clone()));
            }
            if doc.pagination.next_page.is_none() {
                return Err(SyncError::ForeignLink(link.clone()));
            }
        }
        Ok(doc.pagination.next_page.map(|n| self.page_url(n)))
    }

    fn retry_or_fail(&mut self, url: String, attempt: u32, now_ms: u64, after_ms: Option<u64>, last: String) {
        let policy = &self.config.retry;
        if attempt >= policy.max_attempts {
            return self.fail(SyncError::RetriesExhausted { url, attempts: attempt, last });
        }
        self.stats.retries += 1;
        let delay = after_ms.unwrap_or(0).max(policy.backoff_ms(attempt, &mut self.rng));
        self.state = State::Ready { url, attempt: attempt + 1, not_before_ms: now_ms + delay };
    }

    fn fail(&mut self, cause: SyncError) {
        self.collected = catalog::Collected::default();
        self.resources.clear();
        let stats = self.stats.clone();
        self.state = State::Terminal(Box::new(Output::Failed { error: cause.to_string(), stats, cause }));
    }
}

/// Maps the workspaces collected so far (with their runs) into `resources`.
/// Maps the collected workspaces; returns those with assessments on and a result recorded
/// (`ws-…`, when).
fn link_workspaces(
    linker: &catalog::Linker,
    collected: &mut catalog::Collected,
    resources: &mut std::collections::BTreeMap<String, Entity>,
) -> Vec<(String, String)> {
    let mut assessed = Vec::new();
    for (ws, run) in collected.take_workspaces() {
        if let (Some(true), Some(at)) = (ws.assessments_enabled, &ws.last_assessment_result_at) {
            assessed.push((ws.id.clone(), at.clone()));
        }
        resources.insert(ws.id.clone(), linker.workspace_entity(&ws, run.as_ref()));
    }
    assessed
}

/// A page of a listing; brackets percent-encoded as real traffic is.
fn page_url(base_url: &str, organization: &str, listing: Listing, page_size: u32, page: u64) -> String {
    let include = listing.include.map(|i| format!("include={i}&")).unwrap_or_default();
    format!(
        "{base_url}/api/v2/organizations/{organization}/{}?{include}page%5Bnumber%5D={page}&page%5Bsize%5D={page_size}",
        listing.path
    )
}

/// Whether `url` is on the origin (scheme, host, port) of `base_url`.
fn same_origin(url: &str, base_url: &str) -> bool {
    let origin = |u: &str| {
        let after_scheme = u.find("://").map(|i| i + 3).unwrap_or(0);
        let end = u[after_scheme..].find('/').map(|i| i + after_scheme).unwrap_or(u.len());
        u[..end].to_ascii_lowercase()
    };
    origin(url) == origin(base_url)
}

/// A header's value, matched case-insensitively.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests;
