//! Runs as the plugin serves them: the record it keeps per run (from a TFE run document, a run
//! list, or a notification), the summary for display, and the cheap status for polling.
//!
//! A record made from a notification knows the status but not the details (plan counts,
//! durations); it is marked `stale` so that the summary route fetches the run from TFE once. A
//! record moves forward only, by the ordering rule of [`crate::state`]: a newer fact from any
//! source marks it stale, and one read while the run was moving is read again after a TTL.
//!
//! - [`record`]: the record per run and the facts that move it;
//! - [`summary`]: what TFE's run document says, for display;
//! - [`view`]: the polling view of a run and the status of a workspace entity.

use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub mod record;
pub mod summary;
pub mod view;

pub use record::{
    HISTORY_LENGTH, REFETCH_AFTER_MS, RunRecord, RunUpdate, merge_fetched, needs_fetch, needs_status_fetch,
    record_from_document, record_from_event, record_with_facts, records_from_list,
};
pub use summary::{Durations, ResourceChanges, RunSummary, User, WorkspaceRef, plan_log_url};
pub use view::{
    BlueprintRef, StatusView, WorkspaceFacts, WorkspaceStatus, state_status, status_view, workspace_status,
};

/// `include=` of a run read (`GET /runs/:id`): its plan (resource counts), workspace, creator, and
/// who and what triggered it, in the one request.
pub const RUN_INCLUDE: &str = "plan,workspace,created_by,configuration_version.ingress_attributes";
/// `include=` of a workspace's run list (`GET /workspaces/:id/runs`): the same, per run.
pub const RUN_LIST_INCLUDE: &str = "plan,created_by,configuration_version.ingress_attributes";

/// Where the entities and links of an organization live.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunContext {
    /// TFE host, for links.
    pub base_url: String,
    /// The organization the run belongs to.
    pub organization: String,
    /// Its catalog namespace; derived from the organization when not configured.
    #[serde(default)]
    pub namespace: Option<String>,
}

/// Milliseconds since the epoch of an RFC 3339 timestamp.
pub(crate) fn millis(at: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(at, &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
pub(crate) mod fixtures {
    use super::RunContext;

    pub fn ctx() -> RunContext {
        RunContext { base_url: "https://app.terraform.io".into(), organization: "acme".into(), namespace: None }
    }

    pub const RUN_DOC: &str = r#"{"data":{"id":"run-1","type":"runs","attributes":{"status":"applied","created-at":"2026-11-20T10:00:00.000Z","message":"Deploy","source":"tfe-ui","trigger-reason":"manual","is-destroy":false,"plan-only":false,"has-changes":true,"terraform-version":"1.9.5","status-timestamps":{"plan-queueable-at":"2026-11-20T10:00:01+00:00","planning-at":"2026-11-20T10:00:05+00:00","planned-at":"2026-11-20T10:00:35+00:00","applying-at":"2026-11-20T10:01:00+00:00","applied-at":"2026-11-20T10:03:00+00:00"}},"relationships":{"workspace":{"data":{"id":"ws-1","type":"workspaces"}},"plan":{"data":{"id":"plan-1","type":"plans"}},"created-by":{"data":{"id":"user-1","type":"users"}}}},"included":[{"id":"ws-1","type":"workspaces","attributes":{"name":"net"}},{"id":"plan-1","type":"plans","attributes":{"resource-additions":2,"resource-changes":1,"resource-destructions":0}},{"id":"user-1","type":"users","attributes":{"username":"jdoe"}}]}"#;
}
