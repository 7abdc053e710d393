//! The response shapes of the GlobalLogic Terraform frontend
//! (`@globallogicuki/backstage-plugin-terraform`), so that our backend is a drop-in for it. Built
//! from the plugin's state (workspace entities and run records), never from a TFE call per view.

use serde::Serialize;

use crate::catalog::{Entity, annotations as a};
use crate::run::RunRecord;

/// One run as that frontend reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GlRun {
    /// `run-…`.
    pub id: String,
    /// The run message, when known.
    pub message: Option<String>,
    /// Raw status.
    pub status: String,
    /// ISO-8601.
    pub created_at: Option<String>,
    /// Who triggered the run (that frontend shows it as "triggered a run"), when known.
    pub confirmed_by: Option<GlUser>,
    /// Where the plan log is, on this plugin's own route.
    pub plan: Option<GlPlan>,
    /// The workspace.
    pub workspace: Option<GlWorkspace>,
}

/// `{name, avatar}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlUser {
    /// TFE username.
    pub name: String,
    /// Avatar URL.
    pub avatar: Option<String>,
}

/// `{logs}`: a URL the frontend fetches with Backstage credentials (its `fetchApi`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlPlan {
    /// `<plugin base URL>/run/<id>/plan-log`.
    pub logs: String,
}

/// `{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlWorkspace {
    /// The TFE workspace name.
    pub name: String,
}

/// An assessment result as that frontend reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GlAssessment {
    /// A stable id for the workspace's latest assessment.
    pub id: String,
    /// The workspace name.
    pub workspace_name: String,
    /// Drift.
    pub drift_metrics: GlDrift,
    /// Continuous validation.
    pub validation_metrics: GlValidation,
}

/// `driftMetrics`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GlDrift {
    /// Whether the last assessment found drift.
    pub drifted: bool,
    /// Resources drifted.
    pub resources_drifted: u64,
    /// Resources not drifted.
    pub resources_undrifted: u64,
}

/// `validationMetrics`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GlValidation {
    /// No check failed.
    pub all_checks_succeeded: bool,
    /// Checks failed.
    pub checks_failed: u64,
    /// Checks unknown.
    pub checks_unknown: u64,
    /// Checks passed.
    pub checks_passed: u64,
}

/// The runs of one workspace entity, newest first: every run record the plugin holds for it, and
/// its current run as the last sync saw it.
///
/// `base_url` is this plugin's external base URL; plan logs are linked to its
/// `/run/:id/plan-log` route, which checks the caller like every other route.
pub fn runs(workspace: &Entity, records: &[RunRecord], base_url: &str) -> Vec<GlRun> {
    let ann = &workspace.metadata.annotations;
    let name = ann.get(a::WORKSPACE_NAME).cloned();
    let gl = |id: &str, status: &str, message: Option<String>, created_at: Option<String>, by: Option<GlUser>| GlRun {
        id: id.to_owned(),
        message,
        status: status.to_owned(),
        created_at,
        confirmed_by: by,
        plan: Some(GlPlan { logs: format!("{}/run/{id}/plan-log", base_url.trim_end_matches('/')) }),
        workspace: name.clone().map(|name| GlWorkspace { name }),
    };
    let mut out: Vec<GlRun> = records
        .iter()
        .map(|r| {
            let summary = r.summary.as_ref();
            let created = summary.and_then(|s| s.created_at.clone()).or_else(|| r.updated_at.clone());
            let by = summary.and_then(confirmed_by);
            gl(&r.run_id, &r.status, summary.and_then(|s| s.message.clone()), created, by)
        })
        .collect();
    if let (Some(id), Some(status)) = (ann.get(a::RUN_ID), ann.get(a::RUN_STATUS)) {
        if !out.iter().any(|r| &r.id == id) {
            out.push(gl(id, status, None, ann.get(a::RUN_UPDATED_AT).cloned(), None));
        }
    }
    // RFC 3339 timestamps in one zone order as text; runs without one go last.
    out.sort_by(|x, y| y.created_at.cmp(&x.created_at));
    out
}

/// Who triggered a run, as that frontend shows it: the VCS user who pushed the commit or opened
/// the pull request when there is one, else the TFE user who created the run.
fn confirmed_by(summary: &crate::run::RunSummary) -> Option<GlUser> {
    let creator = summary.created_by.as_ref();
    let vcs_user = summary.trigger.as_ref().and_then(|t| {
        let name = t.by.clone().filter(|by| creator.is_none_or(|c| &c.username != by))?;
        Some(GlUser { name, avatar: t.by_avatar_url.clone() })
    });
    vcs_user.or_else(|| creator.map(|u| GlUser { name: u.username.clone(), avatar: u.avatar_url.clone() }))
}

/// The runs of several workspaces (`terraform/workspaces: a,b`), merged newest first.
pub fn runs_of(workspaces: &[WorkspaceRuns], base_url: &str) -> Vec<GlRun> {
    let mut out: Vec<GlRun> = workspaces.iter().flat_map(|w| runs(&w.entity, &w.records, base_url)).collect();
    out.sort_by(|x, y| y.created_at.cmp(&x.created_at));
    out
}

/// A workspace entity and the run records the plugin holds for it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct WorkspaceRuns {
    /// The workspace `Resource`.
    pub entity: Entity,
    /// Its run records.
    #[serde(default)]
    pub records: Vec<RunRecord>,
}

/// The latest assessment of a workspace entity, when a notification reported one.
pub fn assessment(workspace: &Entity) -> Option<GlAssessment> {
    let ann = &workspace.metadata.annotations;
    let state = ann.get(a::DRIFT_STATE)?;
    let number = |key: &str| ann.get(key).and_then(|v| v.parse().ok()).unwrap_or(0);
    let checks_failed = number(a::DRIFT_CHECKS_FAILED);
    Some(GlAssessment {
        id: format!("{}-{}", ann.get(a::WORKSPACE_ID)?, ann.get(a::DRIFT_ASSESSED_AT).map_or("latest", String::as_str)),
        workspace_name: ann.get(a::WORKSPACE_NAME)?.clone(),
        drift_metrics: GlDrift {
            drifted: state == "drifted",
            resources_drifted: number(a::DRIFT_RESOURCES),
            resources_undrifted: number(a::DRIFT_RESOURCES_UNDRIFTED),
        },
        validation_metrics: GlValidation {
            all_checks_succeeded: state != "checks-failed" && checks_failed == 0,
            checks_failed,
            checks_unknown: 0,
            checks_passed: number(a::DRIFT_CHECKS_PASSED),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::fixtures::{RUN_DOC, ctx};

    fn entity() -> Entity {
        let text = r#"{"data":{"id":"ws-1","type":"workspaces","attributes":{"name":"net"},"relationships":{"organization":{"data":{"id":"acme"}}}}}"#;
        crate::map_documents(&[crate::SourceDocument { name: "w".into(), text: text.into() }], &Default::default())
            .unwrap()
            .remove(0)
    }

    #[test]
    fn confirmed_by_is_the_vcs_sender_where_there_is_one_else_the_creator() {
        let by_creator = crate::run::record_from_document(RUN_DOC, &ctx()).unwrap();
        let listed = runs(&entity(), &[by_creator], "https://backstage/api/terraform");
        assert_eq!(listed[0].confirmed_by.as_ref().map(|u| u.name.as_str()), Some("jdoe"));
        let with_vcs = RUN_DOC
            .replace(
                r#""created-by":{"data":{"id":"user-1","type":"users"}}"#,
                r#""created-by":{"data":{"id":"user-1","type":"users"}},"configuration-version":{"data":{"id":"cv-1","type":"configuration-versions"}}"#,
            )
            .replace(
                r#"{"id":"user-1","type":"users","attributes":{"username":"jdoe"}}"#,
                r#"{"id":"user-1","type":"users","attributes":{"username":"jdoe"}},{"id":"cv-1","type":"configuration-versions","relationships":{"ingress-attributes":{"data":{"id":"ia-1","type":"ingress-attributes"}}}},{"id":"ia-1","type":"ingress-attributes","attributes":{"sender-username":"octocat","sender-avatar-url":"https://avatars.example.com/u/1"}}"#,
            );
        let record = crate::run::record_from_document(&with_vcs, &ctx()).unwrap();
        let listed = runs(&entity(), &[record], "https://backstage/api/terraform");
        let by = listed[0].confirmed_by.as_ref().unwrap();
        assert_eq!((by.name.as_str(), by.avatar.as_deref()), ("octocat", Some("https://avatars.example.com/u/1")));
    }
}
