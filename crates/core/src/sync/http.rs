//! What crosses between the planner and its driver: requests out, responses in, and the outputs
//! that end a sync (a snapshot and its counters, or a failure).

use serde::{Deserialize, Serialize};

use crate::error::SyncError;

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
    /// Nothing to send before `until_ms` (or before an outstanding response, when `None`). Answers
    /// to requests in flight may be handed in before then; poll again after each.
    Wait {
        /// When to poll again, if no answer comes first.
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
    /// Every entity of the organization (empty after an incremental refresh), as compact JSON
    /// text: hosts pass it on, or parse it ([`crate::json_text::JsonText::get`]).
    pub entities: Vec<crate::json_text::JsonText<crate::catalog::Entity>>,
    /// After an incremental refresh: the latest run of each workspace that ran since.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runs: Vec<crate::run::RunUpdate>,
    /// After a full sync: the assessments newer than the host knew.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assessments: Vec<Assessment>,
    /// After a full sync: each workspace's outputs (`ws-…` → outputs), where the listing had them.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub outputs: std::collections::BTreeMap<String, crate::json_text::JsonText<Vec<crate::tfe::Output>>>,
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

/// A header's value, matched case-insensitively.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}
