//! The Port request planner: a sans-IO state machine, shaped like the TFE sync planner
//! ([`crate::sync`]), that performs a [`Job`] (a push, a live update) against Port's API.
//!
//! # Driving it
//!
//! ```text
//! loop {
//!     match planner.poll_output(now_ms) {
//!         Output::Request(req) => perform it, then planner.handle_input(Input::Response(..) or
//!                                 Input::TransportError(..), now_ms). A request with
//!                                 `credentials: true` is the token request: send Port's
//!                                 `{"clientId", "clientSecret"}` as its body and keep the
//!                                 `accessToken` of a 200; send every other request with
//!                                 `Authorization: Bearer <accessToken>`.
//!         Output::Wait { until_ms } => sleep until `until_ms`, then poll again
//!         Output::Done(report) | Output::Failed { .. } => stop
//!     }
//! }
//! ```
//!
//! # What it decides
//!
//! When to ask for a token (first, when it has expired, and once after a 401), pacing under
//! Port's rate limit, and retries of 408, 429 (after `Retry-After` or `X-RateLimit-Reset`), 5xx and
//! network errors with the sync planner's [`RetryPolicy`]. Every request the job makes can be
//! repeated safely: writes are upserts and deletes by identifier.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::shown;
use crate::sync::{Input, RetryPolicy, header};

/// How to talk to Port.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PortConfig {
    /// `https://api.port.io` (EU) or `https://api.us.port.io` (US).
    pub base_url: String,
    /// Requests per second. Port allowed 15,000 non-entity and 35,000 entity requests per 5
    /// minutes (50 and 116 per second); 40 stays under both.
    pub requests_per_second: f64,
    /// Retries and the time budget of one job.
    pub retry: RetryPolicy,
    /// Seed of the retry jitter (the core draws no random numbers).
    pub seed: u64,
}

impl Default for PortConfig {
    fn default() -> Self {
        PortConfig {
            base_url: DEFAULT_BASE_URL.to_owned(),
            requests_per_second: 40.0,
            retry: RetryPolicy::default(),
            seed: 0,
        }
    }
}

/// Port's EU API.
pub const DEFAULT_BASE_URL: &str = "https://api.port.io";
/// Port's token lifetime when its answer does not say (3 hours).
const DEFAULT_TOKEN_SECONDS: u64 = 3 * 60 * 60;
/// Ask for a new token this long before the old one expires.
const TOKEN_MARGIN_MS: u64 = 60_000;

/// Why a job failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PortError {
    /// The client id and secret were refused.
    #[error("Port rejected the client credentials ({status})")]
    BadCredentials {
        /// HTTP status.
        status: u16,
    },
    /// A fresh token was refused.
    #[error("Port refused a fresh token for {} (401)", shown(.url))]
    Unauthorized {
        /// The request.
        url: String,
    },
    /// A request kept failing.
    #[error("gave up on {} after {attempts} attempts: {}", shown(.url), shown(.last))]
    RetriesExhausted {
        /// The request.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// An answer the job cannot go on from.
    #[error("{method} {} answered {status}: {}", shown(.url), shown(.message))]
    UnexpectedStatus {
        /// Method.
        method: String,
        /// The request.
        url: String,
        /// HTTP status.
        status: u16,
        /// Port's error message.
        message: String,
    },
    /// The job ran out of time.
    #[error("the Port job took longer than its budget of {budget_ms} ms")]
    TimeBudgetExceeded {
        /// The budget.
        budget_ms: u64,
    },
    /// The host handed in something the planner did not ask for.
    #[error("unexpected input: {}", shown(.0))]
    UnexpectedInput(String),
}

/// A request for the host to perform.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PortRequest {
    /// Echo it back in the response.
    pub id: u64,
    /// HTTP method.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// JSON body, if any.
    pub body: Option<Value>,
    /// The token request: the host supplies the credentials as the body.
    pub credentials: bool,
}

/// What the planner wants next.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Output<R> {
    /// Perform it.
    Request(PortRequest),
    /// Nothing to do before `until_ms` (or before the outstanding response, when `None`).
    Wait {
        /// When to poll again.
        #[serde(rename = "untilMs")]
        until_ms: Option<u64>,
    },
    /// The job is complete.
    Done(R),
    /// The job failed.
    Failed {
        /// Why.
        error: String,
        /// How far it got.
        stats: PortStats,
        /// The typed error.
        #[serde(skip)]
        cause: PortError,
    },
}

/// Counters of one job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PortStats {
    /// Requests asked for, token requests and retries included.
    pub requests: u32,
    /// Of which token requests.
    pub token_requests: u32,
    /// Of which writes (creates, updates, deletes).
    pub writes: u32,
    /// Requests repeated after a 408, 429, 5xx or network error.
    pub retries: u32,
    /// 429 answers.
    pub rate_limited: u32,
}

/// One request of a job. Paths are relative to the configured base URL.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// HTTP method.
    pub method: &'static str,
    /// Path and query, from `/v1/`.
    pub path: String,
    /// JSON body.
    pub body: Option<Value>,
}

impl Call {
    fn is_write(&self) -> bool {
        self.method != "GET" && !self.path.ends_with("/search")
    }
}

/// What a job (a push, a live update) decides; the planner does the talking.
pub trait Job {
    /// What the job ends with.
    type Report;
    /// The next request, or `None` when the job is complete.
    fn next_call(&mut self) -> Option<Call>;
    /// The answer to `call` (anything but 401, 408, 429 and 5xx, which the planner handles).
    fn on_reply(&mut self, call: &Call, status: u16, body: &Value) -> Result<(), PortError>;
    /// The result, once [`Job::next_call`] said `None`.
    fn report(&mut self, stats: &PortStats) -> Self::Report;
}

#[derive(Debug)]
enum InFlight {
    Token { id: u64 },
    Call { id: u64 },
}

/// Performs a [`Job`] against Port. See the module docs for the drive loop.
#[derive(Debug)]
pub struct PortPlanner<J: Job> {
    job: J,
    config: PortConfig,
    call: Option<Call>,
    attempt: u32,
    not_before_ms: u64,
    in_flight: Option<InFlight>,
    token_expires_ms: Option<u64>,
    token_is_fresh: bool,
    last_request_ms: Option<u64>,
    started_ms: Option<u64>,
    next_id: u64,
    stats: PortStats,
    rng: u64,
    finished: bool,
    failure: Option<PortError>,
}

impl<J: Job> PortPlanner<J> {
    /// A planner for `job`.
    pub fn new(config: PortConfig, job: J) -> Self {
        let rng = config.seed ^ 0x9E37_79B9_7F4A_7C15;
        PortPlanner {
            job,
            config,
            call: None,
            attempt: 1,
            not_before_ms: 0,
            in_flight: None,
            token_expires_ms: None,
            token_is_fresh: false,
            last_request_ms: None,
            started_ms: None,
            next_id: 1,
            stats: PortStats::default(),
            rng,
            finished: false,
            failure: None,
        }
    }

    /// The next thing to do.
    pub fn poll_output(&mut self, now_ms: u64) -> Output<J::Report> {
        if self.finished {
            return Output::Wait { until_ms: None };
        }
        let started = *self.started_ms.get_or_insert(now_ms);
        if self.failure.is_none() && now_ms.saturating_sub(started) > self.config.retry.time_budget_ms {
            self.failure = Some(PortError::TimeBudgetExceeded { budget_ms: self.config.retry.time_budget_ms });
        }
        if let Some(cause) = self.failure.take() {
            self.finished = true;
            return Output::Failed { error: cause.to_string(), stats: self.stats.clone(), cause };
        }
        if self.in_flight.is_some() {
            return Output::Wait { until_ms: None };
        }
        if self.call.is_none() {
            match self.job.next_call() {
                Some(call) => {
                    self.call = Some(call);
                    self.attempt = 1;
                }
                None => {
                    self.finished = true;
                    return Output::Done(self.job.report(&self.stats));
                }
            }
        }
        let interval = (1000.0 / self.config.requests_per_second.max(0.001)).ceil() as u64;
        let not_before = self.not_before_ms.max(self.last_request_ms.map_or(0, |t| t + interval));
        if now_ms < not_before {
            return Output::Wait { until_ms: Some(not_before) };
        }
        self.last_request_ms = Some(now_ms);
        self.stats.requests += 1;
        let id = self.next_id;
        self.next_id += 1;
        let base = self.config.base_url.trim_end_matches('/');
        if self.token_expires_ms.is_none_or(|expires| now_ms >= expires) {
            self.stats.token_requests += 1;
            self.in_flight = Some(InFlight::Token { id });
            let url = format!("{base}/v1/auth/access_token");
            return Output::Request(PortRequest { id, method: "POST".to_owned(), url, body: None, credentials: true });
        }
        // The call was set above and is only taken when answered.
        let call = self.call.as_ref().expect("a call is pending");
        if call.is_write() {
            self.stats.writes += 1;
        }
        self.in_flight = Some(InFlight::Call { id });
        Output::Request(PortRequest {
            id,
            method: call.method.to_owned(),
            url: format!("{base}{}", call.path),
            body: call.body.clone(),
            credentials: false,
        })
    }

    /// Hands the planner the outcome of the request it asked for.
    pub fn handle_input(&mut self, input: Input, now_ms: u64) {
        let (got, response) = match input {
            Input::Response(r) => (r.id, Ok(r)),
            Input::TransportError { id, message } => (id, Err(message)),
        };
        let in_flight = self.in_flight.take();
        let expected = match &in_flight {
            Some(InFlight::Token { id }) | Some(InFlight::Call { id }) => *id,
            None => return self.fail(PortError::UnexpectedInput(format!("response to {got}, none in flight"))),
        };
        if got != expected {
            return self.fail(PortError::UnexpectedInput(format!("response to {got}, but {expected} is in flight")));
        }
        let response = match response {
            Ok(r) => r,
            Err(message) => return self.retry_or_fail(now_ms, None, message),
        };
        let retry_after = || {
            ["retry-after", "x-ratelimit-reset"].iter().find_map(|h| {
                // Seconds to wait; a value that looks like an epoch is not trusted (the core has no clock).
                header(&response.headers, h)
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|s| s.is_finite() && (0.0..=86_400.0).contains(s))
                    .map(|s| (s * 1000.0).ceil() as u64)
            })
        };
        match response.status {
            429 => {
                self.stats.rate_limited += 1;
                let wait = retry_after();
                return self.retry_or_fail(now_ms, wait, "429 Too Many Requests".to_owned());
            }
            408 | 500..=599 => return self.retry_or_fail(now_ms, None, format!("HTTP {}", response.status)),
            _ => {}
        }
        let body: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
        if let Some(InFlight::Token { .. }) = in_flight {
            if response.status != 200 {
                return self.fail(PortError::BadCredentials { status: response.status });
            }
            let seconds = body["expiresIn"].as_u64().unwrap_or(DEFAULT_TOKEN_SECONDS);
            self.token_expires_ms = Some((now_ms + seconds * 1000).saturating_sub(TOKEN_MARGIN_MS).max(now_ms + 1));
            self.token_is_fresh = true;
            return;
        }
        // A call was in flight, so one is pending.
        let call = self.call.take().expect("the answered call is pending");
        if response.status == 401 {
            if self.token_is_fresh {
                let url = format!("{}{}", self.config.base_url.trim_end_matches('/'), call.path);
                return self.fail(PortError::Unauthorized { url });
            }
            // Port keeps one token per credential pair, so an expiry can come earlier than ours.
            self.token_expires_ms = None;
            self.call = Some(call);
            return;
        }
        self.token_is_fresh = false;
        if let Err(e) = self.job.on_reply(&call, response.status, &body) {
            self.fail(e);
        }
    }

    fn retry_or_fail(&mut self, now_ms: u64, after_ms: Option<u64>, last: String) {
        let policy = &self.config.retry;
        if self.attempt >= policy.max_attempts {
            let url = self.call.as_ref().map(|c| c.path.clone()).unwrap_or_else(|| "/v1/auth/access_token".to_owned());
            let url = format!("{}{url}", self.config.base_url.trim_end_matches('/'));
            return self.fail(PortError::RetriesExhausted { url, attempts: self.attempt, last });
        }
        self.stats.retries += 1;
        let delay = after_ms.unwrap_or(0).max(policy.backoff_ms(self.attempt, &mut self.rng));
        self.attempt += 1;
        self.not_before_ms = now_ms + delay;
    }

    fn fail(&mut self, error: PortError) {
        self.failure = Some(error);
    }

    /// Starts with a token the host already holds, valid until `expires_ms` (on the clock the host
    /// passes as `now_ms`): a long-running host needs no token request per job.
    pub fn with_token(mut self, expires_ms: Option<u64>) -> Self {
        self.token_expires_ms = expires_ms;
        self
    }

    /// When the token the host holds expires, for the next job's [`PortPlanner::with_token`].
    pub fn token_expires_ms(&self) -> Option<u64> {
        self.token_expires_ms
    }
}
