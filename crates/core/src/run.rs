//! Runs as the plugin serves them: the record it keeps per run (from a TFE run document, a run
//! list, or a notification), the summary for display, and the cheap status for polling.
//!
//! A record made from a notification knows the status but not the details (plan counts,
//! durations); it is marked `stale` so that the summary route fetches the run from TFE once. A
//! record moves forward only, by the ordering rule of [`crate::state`]: a newer fact from any
//! source marks it stale, and one read while the run was moving is read again after a TTL.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::catalog::{Entity, annotations as a, naming};
use crate::error::ParseError;
use crate::notification::RunEvent;
use crate::status::{self, StatusBucket};
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

/// `GET /run/:id/summary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    /// `run-…`.
    pub id: String,
    /// Raw status.
    pub status: String,
    /// Its bucket.
    pub bucket: StatusBucket,
    /// Whether the run will not change again.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// The workspace.
    pub workspace: Option<WorkspaceRef>,
    /// The organization.
    pub organization: Option<String>,
    /// The run message.
    pub message: Option<String>,
    /// `tfe-ui`, `tfe-api`, `terraform+cloud`, ...
    pub source: Option<String>,
    /// `manual`, ...
    pub trigger_reason: Option<String>,
    /// A destroy run.
    pub is_destroy: Option<bool>,
    /// A plan-only run.
    pub plan_only: Option<bool>,
    /// The plan has changes.
    pub has_changes: Option<bool>,
    /// Terraform version of the run.
    pub terraform_version: Option<String>,
    /// Who queued it, when included.
    pub created_by: Option<User>,
    /// When it was created.
    pub created_at: Option<String>,
    /// `<status>-at` → timestamp.
    pub status_timestamps: BTreeMap<String, String>,
    /// Plan, apply and total durations in milliseconds, where the timestamps allow.
    pub durations: Durations,
    /// Resource changes, when the plan is known.
    pub resources: Option<ResourceChanges>,
    /// Links into TFE.
    pub links: BTreeMap<String, String>,
}

/// A workspace as a summary names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceRef {
    /// `ws-…`.
    pub id: String,
    /// Its name, when known.
    pub name: Option<String>,
    /// Its catalog entity ref, when the name is known.
    pub entity_ref: Option<String>,
}

/// A TFE user as a run names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// `username`.
    pub username: String,
    /// `avatar-url`, when TFE has one.
    pub avatar_url: Option<String>,
}

/// Durations in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Durations {
    /// `planning-at` → end of planning.
    pub plan_ms: Option<i64>,
    /// `applying-at` → `applied-at` (or `errored-at`).
    pub apply_ms: Option<i64>,
    /// Creation → the final status, for finished runs.
    pub total_ms: Option<i64>,
}

/// Resource counts of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceChanges {
    /// To add.
    pub additions: u64,
    /// To change.
    pub changes: u64,
    /// To destroy.
    pub destructions: u64,
    /// To import.
    pub imports: u64,
}

/// `GET /run/:id/status`: small, with an ETag that changes exactly when it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    /// `run-…`.
    pub id: String,
    /// Raw status.
    pub status: String,
    /// Its bucket.
    pub bucket: StatusBucket,
    /// Whether polling can stop.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// When the run reached the status.
    pub updated_at: Option<String>,
    /// A strong ETag of the fields above.
    pub etag: String,
}

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

fn between(timestamps: &BTreeMap<String, String>, from: &str, to: &[&str]) -> Option<i64> {
    let start = millis(timestamps.get(from)?)?;
    let end = to.iter().find_map(|k| timestamps.get(*k)).and_then(|t| millis(t))?;
    Some(end - start)
}

fn durations(run: &Run) -> Durations {
    let ts = &run.status_timestamps;
    let total_ms = status::is_final(&run.status)
        .then(|| {
            let end = millis(run.status_changed_at()?)?;
            let start = ts.get("plan-queueable-at").or(run.created_at.as_ref()).and_then(|t| millis(t))?;
            Some(end - start)
        })
        .flatten();
    Durations {
        plan_ms: between(
            ts,
            "planning-at",
            &["planned-at", "planned-and-finished-at", "planned-and-saved-at", "errored-at"],
        ),
        apply_ms: between(ts, "applying-at", &["applied-at", "errored-at"]),
        total_ms,
    }
}

/// The pre-signed `log-read-url` of the run's plan, from a run show document with `include=plan`.
///
/// Why the plugin reads it instead of handing it out: TFE signs it for anyone holding it, so it
/// must not reach a browser that was only allowed to see the run's status, and fetching it
/// server-side spares the browser TFE credentials and CORS.
pub fn plan_log_url(text: &str) -> Result<Option<String>, ParseError> {
    let doc = parse_document("run", text)?;
    let Some(run) = doc.data.iter().find(|r| r.kind == "runs") else {
        return Ok(None);
    };
    let Some(plan_id) = run.relationship_id("plan") else {
        return Ok(None);
    };
    Ok(doc
        .included
        .iter()
        .find(|r| r.kind == "plans" && r.id == plan_id)
        .and_then(|p| p.attr_text("log-read-url"))
        .filter(|url| url.starts_with("https://") || url.starts_with("http://"))
        .map(str::to_owned))
}

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
    let included = |kind: &str, rel: &str| {
        let id = resource.relationship_id(rel)?;
        doc.included.iter().find(|r| r.kind == kind && r.id == id)
    };
    let workspace_name = included("workspaces", "workspace")
        .and_then(|w| w.attr_text("name"))
        .or(known_workspace_name)
        .map(str::to_owned);
    let resources = included("plans", "plan").and_then(|p| {
        let n = |k: &str| p.attributes.get(k).and_then(serde_json::Value::as_u64);
        Some(ResourceChanges {
            additions: n("resource-additions")?,
            changes: n("resource-changes")?,
            destructions: n("resource-destructions")?,
            imports: n("resource-imports").unwrap_or(0),
        })
    });
    let created_by = included("users", "created-by").and_then(|u| {
        Some(User {
            username: u.attr_text("username")?.to_owned(),
            avatar_url: u.attr_text("avatar-url").map(str::to_owned),
        })
    });
    let namespace = ctx.namespace.clone().unwrap_or_else(|| naming::namespace_for_org(&ctx.organization));
    let workspace = run.workspace_id.clone().map(|id| WorkspaceRef {
        entity_ref: workspace_name
            .as_ref()
            .map(|n| format!("resource:{namespace}/{}", naming::entity_name(n)).to_lowercase()),
        name: workspace_name.clone(),
        id,
    });
    let mut links = BTreeMap::new();
    if let Some(name) = &workspace_name {
        let ws_url = format!("{}/app/{}/workspaces/{name}", ctx.base_url.trim_end_matches('/'), ctx.organization);
        links.insert("run".to_owned(), format!("{ws_url}/runs/{}", run.id));
        links.insert("workspace".to_owned(), ws_url);
    }
    let auto_apply = run.auto_apply;
    let summary = RunSummary {
        id: run.id.clone(),
        status: run.status.clone(),
        bucket: status::bucket(&run.status, auto_apply),
        is_final: status::is_final(&run.status),
        workspace,
        organization: Some(ctx.organization.clone()),
        message: run.message.clone(),
        source: run.source.clone(),
        trigger_reason: run.trigger_reason.clone(),
        is_destroy: run.is_destroy,
        plan_only: run.plan_only,
        has_changes: run.has_changes,
        terraform_version: resource.attr_text("terraform-version").map(str::to_owned),
        created_by,
        created_at: run.created_at.clone(),
        status_timestamps: run.status_timestamps.clone(),
        durations: durations(&run),
        resources,
        links,
    };
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
    Some(RunRecord {
        status: facts.status.clone(),
        updated_at: facts.status_at.clone(),
        stale: true,
        ..record.clone()
    })
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

/// The polling view of a record.
pub fn status_view(record: &RunRecord) -> StatusView {
    let bucket = record
        .summary
        .as_ref()
        .filter(|s| s.status == record.status)
        .map_or_else(|| status::bucket(&record.status, None), |s| s.bucket);
    let tag = format!("{}|{}|{}", record.run_id, record.status, record.updated_at.as_deref().unwrap_or(""));
    StatusView {
        id: record.run_id.clone(),
        status: record.status.clone(),
        bucket,
        is_final: status::is_final(&record.status),
        updated_at: record.updated_at.clone(),
        etag: format!("\"{}\"", naming::short_hash(&tag)),
    }
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

/// One workspace's state for `GET /entity/:kind/:namespace/:name/status`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceStatus {
    /// The workspace.
    pub workspace: WorkspaceRef,
    /// Its current run's status: from the plugin's record when it has one, else from the
    /// entity's annotations (as of the last sync).
    pub run: Option<StatusView>,
    /// The current run's summary, when the plugin has it.
    pub summary: Option<RunSummary>,
    /// The last health assessment, when a notification reported one.
    pub drift: Option<BTreeMap<String, String>>,
    /// The template this workspace instantiates, when it is an instance.
    pub blueprint: Option<BlueprintRef>,
    /// Links into TFE (`workspace`, `run`), from the entity.
    pub links: BTreeMap<String, String>,
}

/// An instance's template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintRef {
    /// The module path (`acme/vpc/aws`).
    pub path: String,
    /// The template version the workspace was made from, when known.
    pub version: Option<String>,
    /// The template's entity ref, when the sync linked it.
    pub entity_ref: Option<String>,
}

/// The status of a workspace entity, given the plugin's record of its current run.
pub fn workspace_status(entity: &Entity, record: Option<&RunRecord>) -> WorkspaceStatus {
    let ann = &entity.metadata.annotations;
    let from_annotations = || {
        let run_id = ann.get(a::RUN_ID)?.clone();
        let status = ann.get(a::RUN_STATUS)?.clone();
        Some(RunRecord {
            run_id,
            workspace_id: ann.get(a::WORKSPACE_ID).cloned(),
            organization: ann.get(a::ORGANIZATION).cloned(),
            status,
            updated_at: ann.get(a::RUN_UPDATED_AT).cloned(),
            summary: None,
            stale: true,
            fetched_at_ms: None,
        })
    };
    let record = record.cloned().or_else(from_annotations);
    let drift: BTreeMap<String, String> =
        [(a::DRIFT_STATE, "state"), (a::DRIFT_RESOURCES, "resourcesDrifted"), (a::DRIFT_ASSESSED_AT, "assessedAt")]
            .iter()
            .filter_map(|(key, field)| ann.get(*key).map(|v| ((*field).to_owned(), v.clone())))
            .collect();
    WorkspaceStatus {
        workspace: WorkspaceRef {
            id: ann.get(a::WORKSPACE_ID).cloned().unwrap_or_default(),
            name: ann.get(a::WORKSPACE_NAME).cloned(),
            entity_ref: Some(entity.entity_ref()),
        },
        run: record.as_ref().map(status_view),
        summary: record.and_then(|r| r.summary.filter(|_| !r.stale)),
        drift: (!drift.is_empty()).then_some(drift),
        blueprint: ann.get(a::BLUEPRINT).map(|path| BlueprintRef {
            path: path.clone(),
            version: ann.get(a::BLUEPRINT_VERSION).cloned(),
            entity_ref: entity.spec.depends_on.iter().find(|r| r.starts_with("component:")).cloned(),
        }),
        links: entity
            .metadata
            .links
            .iter()
            .filter_map(|l| {
                let kind = l.link_type.as_deref()?.strip_prefix("terraform-")?;
                Some((kind.to_owned(), l.url.clone()))
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notification::{Notification, parse_notification};

    fn ctx() -> RunContext {
        RunContext { base_url: "https://app.terraform.io".into(), organization: "acme".into(), namespace: None }
    }

    const RUN_DOC: &str = r#"{"data":{"id":"run-1","type":"runs","attributes":{"status":"applied","created-at":"2026-11-20T10:00:00.000Z","message":"Deploy","source":"tfe-ui","trigger-reason":"manual","is-destroy":false,"plan-only":false,"has-changes":true,"terraform-version":"1.9.5","status-timestamps":{"plan-queueable-at":"2026-11-20T10:00:01+00:00","planning-at":"2026-11-20T10:00:05+00:00","planned-at":"2026-11-20T10:00:35+00:00","applying-at":"2026-11-20T10:01:00+00:00","applied-at":"2026-11-20T10:03:00+00:00"}},"relationships":{"workspace":{"data":{"id":"ws-1","type":"workspaces"}},"plan":{"data":{"id":"plan-1","type":"plans"}},"created-by":{"data":{"id":"user-1","type":"users"}}}},"included":[{"id":"ws-1","type":"workspaces","attributes":{"name":"net"}},{"id":"plan-1","type":"plans","attributes":{"resource-additions":2,"resource-changes":1,"resource-destructions":0}},{"id":"user-1","type":"users","attributes":{"username":"jdoe"}}]}"#;

    #[test]
    fn summaries_carry_durations_counts_and_links() {
        let record = record_from_document(RUN_DOC, &ctx()).unwrap();
        let s = record.summary.as_ref().unwrap();
        assert_eq!(s.durations, Durations { plan_ms: Some(30_000), apply_ms: Some(120_000), total_ms: Some(179_000) });
        assert_eq!(s.resources, Some(ResourceChanges { additions: 2, changes: 1, destructions: 0, imports: 0 }));
        assert_eq!(s.workspace.as_ref().unwrap().entity_ref.as_deref(), Some("resource:acme/net"));
        assert_eq!(s.links["run"], "https://app.terraform.io/app/acme/workspaces/net/runs/run-1");
        assert_eq!(s.created_by.as_ref().map(|u| u.username.as_str()), Some("jdoe"));
        assert!(!needs_fetch(Some(&record), 0), "a final run with its details is not read again");
    }

    #[test]
    fn the_plan_log_url_comes_from_the_included_plan_only() {
        assert_eq!(plan_log_url(RUN_DOC).unwrap(), None, "a plan without a log-read-url");
        let with_log = RUN_DOC.replace(
            r#""resource-destructions":0}"#,
            r#""resource-destructions":0,"log-read-url":"https://archivist.terraform.io/v1/object/abc"}"#,
        );
        assert_eq!(plan_log_url(&with_log).unwrap().as_deref(), Some("https://archivist.terraform.io/v1/object/abc"));
        let not_a_url = with_log.replace("https://archivist.terraform.io/v1/object/abc", "file:///etc/passwd");
        assert_eq!(plan_log_url(&not_a_url).unwrap(), None);
        assert!(plan_log_url("not json").is_err());
    }

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
    fn a_workspace_status_names_its_blueprint_and_tfe_links() {
        let mut entity = crate::map_documents(
            &[crate::SourceDocument {
                name: "w".into(),
                text: r#"{"data":{"id":"ws-1","type":"workspaces","attributes":{"name":"net"},"relationships":{"organization":{"data":{"id":"acme"}},"current-run":{"data":{"id":"run-0"}}}},"included":[{"id":"run-0","type":"runs","attributes":{"status":"applied"}}]}"#.into(),
            }],
            &Default::default(),
        )
        .unwrap()
        .remove(0);
        let status = workspace_status(&entity, None);
        assert_eq!(status.blueprint, None);
        assert_eq!(status.links["workspace"], "https://app.terraform.io/app/acme/workspaces/net");
        assert_eq!(status.links["run"], "https://app.terraform.io/app/acme/workspaces/net/runs/run-0");
        entity.metadata.annotations.insert(a::BLUEPRINT.into(), "acme/vpc/aws".into());
        entity.metadata.annotations.insert(a::BLUEPRINT_VERSION.into(), "3.1.0".into());
        entity.spec.depends_on = vec!["component:acme/vpc-aws".into()];
        let blueprint = workspace_status(&entity, None).blueprint.unwrap();
        assert_eq!(
            (blueprint.path.as_str(), blueprint.version.as_deref(), blueprint.entity_ref.as_deref()),
            ("acme/vpc/aws", Some("3.1.0"), Some("component:acme/vpc-aws"))
        );
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
