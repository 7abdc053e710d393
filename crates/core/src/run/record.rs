//! The record the plugin keeps per run, and the facts that move it forward: a TFE run document,
//! a workspace's run list, a notification, a newer fact from a sync or refresh.

use serde::{Deserialize, Serialize};

use super::summary::{self, RunSummary};
use super::{RunContext, millis};
use crate::error::ParseError;
use crate::notification::RunEvent;
use crate::status;
use crate::tfe::{Run, parse_document};

/// What the plugin stores per run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunRecord {
    /// `run-…`.
    pub run_id: String,
    /// `ws-…`, when known.
    pub workspace_id: Option<String>,
    /// The organization, when known.
    pub organization: Option<String>,
    /// The latest status seen (from TFE or a notification).
    pub status: String,
    /// When the run reached it.
    pub updated_at: Option<String>,
    /// The display summary as of the last fetch from TFE.
    pub summary: Option<RunSummary>,
    /// The summary predates `status` (a notification moved the run on since).
    pub stale: bool,
    /// When the summary was read from TFE (host time, ms since the epoch): a run still moving is
    /// read again once this is older than [`REFETCH_AFTER_MS`].
    #[serde(default)]
    pub fetched_at_ms: Option<u64>,
}

/// How long the details of a run that is still moving are trusted before the next read
/// refetches them (once, shared by concurrent readers).
pub const REFETCH_AFTER_MS: u64 = 30_000;

/// A record from a TFE run show document (`GET /runs/:id?include=plan,workspace,created_by`).
pub fn record_from_document(text: &str, ctx: &RunContext) -> Result<RunRecord, ParseError> {
    let doc = parse_document("run", text)?;
    let resource = doc
        .data
        .iter()
        .find(|r| r.kind == "runs")
        .ok_or_else(|| ParseError::NotJsonApi { document: "run".into(), reason: "no run in `data`".into() })?;
    record_from_resource(&doc, resource, ctx, None)
}

/// How many of a workspace's runs the history shows (as the GlobalLogic backend does).
pub const HISTORY_LENGTH: u32 = 20;

/// The records of a workspace's run list (`GET /workspaces/:id/runs?include=plan,created_by`),
/// newest first. Runs of any other workspace are left out: the list is the workspace's only if
/// TFE says so.
pub fn records_from_list(
    text: &str,
    workspace_id: &str,
    workspace_name: &str,
    ctx: &RunContext,
) -> Result<Vec<RunRecord>, ParseError> {
    let doc = parse_document("run list", text)?;
    doc.data
        .iter()
        .filter(|r| r.kind == "runs" && r.relationship_id("workspace") == Some(workspace_id))
        .map(|r| record_from_resource(&doc, r, ctx, Some(workspace_name)))
        .collect()
}

fn record_from_resource(
    doc: &crate::tfe::Document,
    resource: &crate::tfe::Resource,
    ctx: &RunContext,
    known_workspace_name: Option<&str>,
) -> Result<RunRecord, ParseError> {
    let run = Run::from_resource("run", resource)?;
    let summary = summary::from_resource(doc, resource, &run, ctx, known_workspace_name);
    Ok(RunRecord {
        run_id: run.id.clone(),
        workspace_id: run.workspace_id.clone(),
        organization: Some(ctx.organization.clone()),
        updated_at: run.status_changed_at().map(str::to_owned),
        status: run.status,
        summary: Some(summary),
        stale: false,
        fetched_at_ms: None,
    })
}

/// The record after a newer fact about its run from another source (a sync, a refresh, a
/// notification), or `None` when the fact is not newer. The summary is kept, marked stale, so
/// the next read fetches the run again.
pub fn record_with_facts(record: &RunRecord, facts: &crate::state::RunFacts) -> Option<RunRecord> {
    if facts.run_id != record.run_id {
        return None;
    }
    let current = crate::state::RunFacts::from_record(record);
    if !crate::state::run_is_newer(Some(&current), facts) {
        return None;
    }
    Some(RunRecord { status: facts.status.clone(), updated_at: facts.status_at.clone(), stale: true, ..record.clone() })
}

/// A record fetched from TFE, merged with what the plugin already had: TFE's document wins unless
/// the stored record holds a newer status (a notification that overtook the read).
pub fn merge_fetched(stored: Option<&RunRecord>, mut fetched: RunRecord, now_ms: u64) -> RunRecord {
    fetched.fetched_at_ms = Some(now_ms);
    let Some(stored) = stored else {
        return fetched;
    };
    match record_with_facts(&fetched, &crate::state::RunFacts::from_record(stored)) {
        Some(newer) => RunRecord { fetched_at_ms: Some(now_ms), stale: false, ..newer },
        None => fetched,
    }
}

/// The record after a run notification. Notifications can arrive out of order: an event older
/// than what the record holds changes nothing.
pub fn record_from_event(previous: Option<RunRecord>, event: &RunEvent) -> RunRecord {
    if let Some(prev) = &previous {
        let newer = match (&prev.updated_at, &event.run_updated_at) {
            (Some(old), Some(new)) => millis(new).zip(millis(old)).is_none_or(|(n, o)| n >= o),
            _ => true,
        };
        if !newer {
            return prev.clone();
        }
    }
    let summary = previous.as_ref().and_then(|p| p.summary.clone());
    RunRecord {
        run_id: event.run_id.clone(),
        workspace_id: Some(event.workspace_id.clone()),
        organization: Some(event.organization.clone()),
        stale: summary.as_ref().is_some_and(|s| s.status != event.run_status) || summary.is_none(),
        status: event.run_status.clone(),
        updated_at: event.run_updated_at.clone(),
        fetched_at_ms: previous.as_ref().and_then(|p| p.fetched_at_ms),
        summary,
    }
}

/// Whether a read must fetch the run from TFE: never read, made stale by a newer fact, or still
/// moving and read longer than [`REFETCH_AFTER_MS`] ago.
pub fn needs_fetch(record: Option<&RunRecord>, now_ms: u64) -> bool {
    record.is_none_or(|r| {
        r.stale
            || r.summary.is_none()
            || (!status::is_final(&r.status)
                && r.fetched_at_ms.is_none_or(|at| now_ms.saturating_sub(at) >= REFETCH_AFTER_MS))
    })
}

/// Whether the status route must read the run from TFE: never seen, or read from TFE while it
/// was moving and not since [`REFETCH_AFTER_MS`]. A record that only notifications wrote is
/// moved on by the next notification, refresh or sync, so polling it costs TFE nothing.
pub fn needs_status_fetch(record: Option<&RunRecord>, now_ms: u64) -> bool {
    record.is_none_or(|r| {
        !status::is_final(&r.status) && r.fetched_at_ms.is_some_and(|at| now_ms.saturating_sub(at) >= REFETCH_AFTER_MS)
    })
}

/// The latest run of a workspace, as an incremental refresh found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunUpdate {
    /// `ws-…`.
    pub workspace_id: String,
    /// `run-…`.
    pub run_id: String,
    /// Raw status.
    pub status: String,
    /// When the run reached it.
    pub updated_at: Option<String>,
    /// When the run was created.
    pub created_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notification::{Notification, parse_notification};
    use crate::run::fixtures::{RUN_DOC, ctx};
    use crate::run::status_view;
    use crate::status::StatusBucket;

    fn event(status: &str, at: &str) -> RunEvent {
        let body = format!(
            r#"{{"payload_version":1,"run_id":"run-1","workspace_id":"ws-1","workspace_name":"net","organization_name":"acme","run_url":"https://app.terraform.io/app/acme/workspaces/net/runs/run-1","notifications":[{{"trigger":"run:completed","run_status":"{status}","run_updated_at":"{at}"}}]}}"#
        );
        match parse_notification(body.as_bytes()).unwrap() {
            Notification::Run(e) => e,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_run_list_gives_the_records_of_that_workspace_only() {
        let list = RUN_DOC
            .replacen(r#"{"data":{"id":"run-1""#, r#"{"data":[{"id":"run-1""#, 1)
            .replacen(r#""type":"users"}}}},"included""#, r#""type":"users"}}}},{"id":"run-2","type":"runs","attributes":{"status":"applied"},"relationships":{"workspace":{"data":{"id":"ws-9"}}}}],"included""#, 1);
        let records = records_from_list(&list, "ws-1", "net", &ctx()).unwrap();
        assert_eq!(records.len(), 1, "a run of another workspace is left out");
        let s = records[0].summary.as_ref().unwrap();
        assert_eq!((s.id.as_str(), s.resources.as_ref().map(|r| r.additions)), ("run-1", Some(2)));
        assert_eq!(s.created_by.as_ref().map(|u| u.username.as_str()), Some("jdoe"));
        assert!(records_from_list("[]", "ws-1", "net", &ctx()).is_err());
    }

    #[test]
    fn a_run_read_while_moving_is_reconciled_and_read_again() {
        let planning = RUN_DOC.replace(r#""status":"applied""#, r#""status":"planning""#);
        let read = merge_fetched(None, record_from_document(&planning, &ctx()).unwrap(), 1_000);
        assert!(!needs_fetch(Some(&read), 1_000 + REFETCH_AFTER_MS - 1));
        assert!(needs_fetch(Some(&read), 1_000 + REFETCH_AFTER_MS), "still moving: read again after the TTL");
        assert!(needs_status_fetch(Some(&read), 1_000 + REFETCH_AFTER_MS));
        assert!(!needs_status_fetch(Some(&read), 1_000));
        let errored = crate::state::RunFacts {
            run_id: "run-1".into(),
            status: "errored".into(),
            bucket: StatusBucket::Failure,
            status_at: Some("2026-11-20T10:09:00Z".into()),
            created_at: None,
            url: None,
            trigger: None,
        };
        let moved = record_with_facts(&read, &errored).unwrap();
        assert_eq!((moved.status.as_str(), status_view(&moved).bucket), ("errored", StatusBucket::Failure));
        assert!(needs_fetch(Some(&moved), 1_001));
        // TFE's document read after that still says planning (a lagging replica): the newer fact stays.
        let merged = merge_fetched(Some(&moved), record_from_document(&planning, &ctx()).unwrap(), 2_000);
        assert_eq!(merged.status, "errored");
    }

    #[test]
    fn notifications_move_records_forward_only() {
        let fetched = record_from_document(RUN_DOC, &ctx()).unwrap();
        let later = record_from_event(Some(fetched.clone()), &event("errored", "2026-11-20T10:05:00Z"));
        assert_eq!(later.status, "errored");
        assert!(later.stale && needs_fetch(Some(&later), 0));
        let heard = record_from_event(None, &event("planning", "2026-11-20T10:00:06Z"));
        assert!(!needs_status_fetch(Some(&heard), u64::MAX), "a notification's record is polled for free");
        let earlier = record_from_event(Some(later.clone()), &event("planning", "2026-11-20T10:00:06Z"));
        assert_eq!(earlier, later, "an out-of-order event changes nothing");
        let v1 = status_view(&later);
        assert_eq!((v1.bucket, v1.is_final), (StatusBucket::Failure, true));
        assert_ne!(v1.etag, status_view(&fetched).etag);
        assert_eq!(v1.etag, status_view(&later.clone()).etag);
    }
}
