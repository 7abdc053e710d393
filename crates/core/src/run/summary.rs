//! What a TFE run document says about a run, for display: status and bucket, who and what
//! started it, durations from the status timestamps, the plan's resource counts, links into TFE.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{RunContext, millis};
use crate::catalog::naming;
use crate::error::ParseError;
use crate::status::{self, StatusBucket};
use crate::tfe::{Run, parse_document};

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
    /// Who and what triggered it (the VCS commit, branch, pull request and sender, else the
    /// creator), when the document included the configuration version's ingress attributes or
    /// `created-by`.
    #[serde(default)]
    pub trigger: Option<crate::tfe::Trigger>,
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

/// The summary of one run resource of a TFE document, with the plan, workspace and user the
/// document includes. `known_workspace_name` names the workspace when the document does not
/// include it (a workspace's own run list).
pub(super) fn from_resource(
    doc: &crate::tfe::Document,
    resource: &crate::tfe::Resource,
    run: &Run,
    ctx: &RunContext,
    known_workspace_name: Option<&str>,
) -> RunSummary {
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
    RunSummary {
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
        trigger: crate::tfe::Trigger::of_run(doc, resource),
        created_at: run.created_at.clone(),
        status_timestamps: run.status_timestamps.clone(),
        durations: durations(run),
        resources,
        links,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::fixtures::{RUN_DOC, ctx};
    use crate::run::{needs_fetch, record_from_document};

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
}
