//! The plugin's one owner of workspace state, and the one rule for which fact wins.
//!
//! Every source of facts about a workspace (a full sync, an incremental refresh, a webhook, a run
//! read on demand, a health assessment) goes through [`merge`]: the plugin stores the merged
//! [`WorkspaceState`] and renders catalog entities from it ([`render`]), so a full sync carries
//! everything known (drift included) and never reverts a newer status.
//!
//! # The ordering rule
//!
//! Facts are ordered by TFE's own timestamps, never by arrival:
//!
//! - Two runs of a workspace: the one created later is the current run. Speculative (plan-only)
//!   runs never are: TFE does not make them the workspace's current run.
//! - The same run: the status reached later wins (`status-timestamps`, or a notification's
//!   `run_updated_at`). A fact without a timestamp never replaces one with a timestamp.
//! - Health assessments: the one assessed later wins.
//!
//! So a fact never replaces a newer one, whatever arrives first; [`merge`] says whether anything
//! changed, so the host writes (and re-renders) only then.

use serde::{Deserialize, Serialize};

use crate::catalog::{Entity, annotations as a};
use crate::notification::{DriftState, Notification, RunEvent};
use crate::run::{RunRecord, RunUpdate, millis};
use crate::status::{self, StatusBucket};
use crate::tfe::{Output, Trigger};

/// What the plugin knows of a workspace's current run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunFacts {
    /// `run-…`.
    pub run_id: String,
    /// Raw status.
    pub status: String,
    /// Its bucket (computed where the auto-apply setting was known).
    pub bucket: StatusBucket,
    /// When the run reached `status` (TFE's timestamp).
    pub status_at: Option<String>,
    /// When the run was created: orders two runs of one workspace.
    pub created_at: Option<String>,
    /// The run's page in TFE, when the source named it.
    #[serde(default)]
    pub url: Option<String>,
    /// Who and what triggered the run, when a source said (the listing, or a read of the run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
}

/// The workspace's last health assessment (drift detection and continuous validation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftFacts {
    /// `drifted`, `no-drift`, `checks-failed`, `assessment-failed`, ...
    pub state: String,
    /// Resources drifted.
    pub resources_drifted: Option<u64>,
    /// Resources not drifted.
    pub resources_undrifted: Option<u64>,
    /// Checks failed.
    pub checks_failed: Option<u64>,
    /// Checks passed.
    pub checks_passed: Option<u64>,
    /// Checks whose result is unknown.
    #[serde(default)]
    pub checks_unknown: Option<u64>,
    /// When the assessment ran (TFE's timestamp).
    pub assessed_at: Option<String>,
}

impl From<&DriftState> for DriftFacts {
    fn from(d: &DriftState) -> Self {
        DriftFacts {
            state: d.state.clone(),
            resources_drifted: d.resources_drifted,
            resources_undrifted: d.resources_undrifted,
            checks_failed: d.checks_failed,
            checks_passed: d.checks_passed,
            checks_unknown: None,
            assessed_at: d.assessed_at.clone(),
        }
    }
}

/// Everything the plugin keeps about one workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceState {
    /// `ws-…`.
    pub workspace_id: String,
    /// Its organization.
    pub organization: String,
    /// The entity as the last full sync mapped it. Run and drift annotations are rendered from
    /// `run` and `drift`, not read from here.
    pub entity: Entity,
    /// The current run, newest by TFE's timestamps.
    pub run: Option<RunFacts>,
    /// The last health assessment.
    pub drift: Option<DriftFacts>,
    /// The current state's outputs as the last full sync read them (sensitive ones by name only),
    /// served by the status route; `None` when the sync could not read them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Vec<Output>>,
}

/// A fact about one workspace, from any source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Fact {
    /// The workspace as a full sync mapped it (its structure, and its current run as listed).
    Synced {
        /// The mapped entity.
        entity: Box<Entity>,
        /// The workspace's outputs, as the same listing included them.
        #[serde(default)]
        outputs: Option<Vec<Output>>,
    },
    /// A run of the workspace (refresh, notification, run read on demand).
    Run {
        /// What is known of it.
        run: RunFacts,
        /// A plan-only (speculative) run: never the current run.
        #[serde(default)]
        plan_only: bool,
    },
    /// A health assessment.
    Assessment {
        /// Its result.
        drift: DriftFacts,
    },
}

/// `Some(later)` when `a` and `b` are both timestamps TFE gave; otherwise what is known.
fn later(new: Option<&str>, old: Option<&str>) -> Option<bool> {
    match (new.and_then(millis), old.and_then(millis)) {
        (Some(n), Some(o)) => Some(n > o),
        (Some(_), None) => Some(true),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    }
}

/// Whether `incoming` is newer than `current` by the ordering rule.
pub fn run_is_newer(current: Option<&RunFacts>, incoming: &RunFacts) -> bool {
    let Some(current) = current else {
        return true;
    };
    if current.run_id != incoming.run_id {
        return later(incoming.created_at.as_deref(), current.created_at.as_deref())
            .or_else(|| later(incoming.status_at.as_deref(), current.status_at.as_deref()))
            .unwrap_or(true);
    }
    if current.status == incoming.status {
        // The same status: only a later timestamp of it is news (a retried apply).
        return later(incoming.status_at.as_deref(), current.status_at.as_deref()).unwrap_or(false);
    }
    // A status without a timestamp cannot be ordered: it is taken only while the run can still move.
    later(incoming.status_at.as_deref(), current.status_at.as_deref()).unwrap_or(!status::is_final(&current.status))
}

fn drift_is_newer(current: Option<&DriftFacts>, incoming: &DriftFacts) -> bool {
    match current {
        None => true,
        Some(current) => {
            later(incoming.assessed_at.as_deref(), current.assessed_at.as_deref()).unwrap_or(current != incoming)
        }
    }
}

impl RunFacts {
    /// The current run an entity's annotations describe (as listed, or as rendered).
    pub fn from_entity(entity: &Entity) -> Option<RunFacts> {
        run_from_entity(entity)
    }
}

/// The run facts a mapped entity carries (its current run as the listing showed it).
fn run_from_entity(entity: &Entity) -> Option<RunFacts> {
    let ann = &entity.metadata.annotations;
    Some(RunFacts {
        run_id: ann.get(a::RUN_ID)?.clone(),
        status: ann.get(a::RUN_STATUS)?.clone(),
        bucket: ann.get(a::RUN_STATUS_BUCKET).map_or(StatusBucket::Unknown, |b| StatusBucket::from_str_lossy(b)),
        status_at: ann.get(a::RUN_UPDATED_AT).cloned(),
        created_at: ann.get(a::RUN_CREATED_AT).cloned(),
        url: None,
        trigger: trigger_from_annotations(ann),
    })
}

/// The trigger a mapped entity's annotations name (the listing's view of the current run).
fn trigger_from_annotations(ann: &crate::catalog::entity::Annotations) -> Option<Trigger> {
    let trigger = Trigger {
        by: ann.get(a::RUN_TRIGGERED_BY).cloned(),
        commit_sha: ann.get(a::RUN_COMMIT_SHA).cloned(),
        branch: ann.get(a::RUN_BRANCH).cloned(),
        pull_request_number: ann.get(a::RUN_PULL_REQUEST).and_then(|n| n.parse().ok()),
        ..Trigger::default()
    };
    (trigger != Trigger::default()).then_some(trigger)
}

/// The state with the trigger of its current run filled in, when `run` is that run and brings a
/// trigger the state lacks (a run read after a notification made it current).
fn with_trigger(state: &WorkspaceState, run: &RunFacts) -> Option<WorkspaceState> {
    let current = state.run.as_ref().filter(|c| c.run_id == run.run_id && c.trigger.is_none())?;
    let trigger = run.trigger.clone()?;
    Some(WorkspaceState { run: Some(RunFacts { trigger: Some(trigger), ..current.clone() }), ..state.clone() })
}

/// The state after `fact`, or `None` when it changes nothing (so nothing is written or rendered).
///
/// A `Synced` fact creates the state; any other fact about a workspace the plugin does not know
/// yet changes nothing (it is kept as a run record, and the next sync brings the workspace).
pub fn merge(current: Option<&WorkspaceState>, fact: &Fact) -> Option<WorkspaceState> {
    match (current, fact) {
        (None, Fact::Synced { entity, outputs }) => {
            let ann = &entity.metadata.annotations;
            Some(WorkspaceState {
                workspace_id: ann.get(a::WORKSPACE_ID)?.clone(),
                organization: ann.get(a::ORGANIZATION)?.clone(),
                run: run_from_entity(entity),
                drift: None,
                entity: (**entity).clone(),
                outputs: outputs.clone(),
            })
        }
        (None, _) => None,
        (Some(state), Fact::Synced { entity, outputs }) => {
            let listed = run_from_entity(entity);
            let run = match listed {
                Some(listed) if run_is_newer(state.run.as_ref(), &listed) => Some(listed),
                Some(listed) => with_trigger(state, &listed).and_then(|s| s.run).or_else(|| state.run.clone()),
                None => state.run.clone(),
            };
            let next = WorkspaceState { entity: (**entity).clone(), run, outputs: outputs.clone(), ..state.clone() };
            (&next != state).then_some(next)
        }
        (Some(_), Fact::Run { plan_only: true, .. }) => None,
        (Some(state), Fact::Run { run, .. }) => {
            if !run_is_newer(state.run.as_ref(), run) {
                return with_trigger(state, run);
            }
            let mut run = run.clone();
            if let Some(current) = state.run.as_ref().filter(|c| c.run_id == run.run_id) {
                run.created_at = run.created_at.or_else(|| current.created_at.clone());
                run.url = run.url.or_else(|| current.url.clone());
                run.trigger = run.trigger.or_else(|| current.trigger.clone());
            }
            Some(WorkspaceState { run: Some(run), ..state.clone() })
        }
        (Some(state), Fact::Assessment { drift }) => drift_is_newer(state.drift.as_ref(), drift)
            .then(|| WorkspaceState { drift: Some(drift.clone()), ..state.clone() }),
    }
}

/// The catalog entity of a workspace: the synced entity with the current run and the last
/// assessment written into its annotations and run link.
pub fn render(state: &WorkspaceState) -> Entity {
    let mut entity = state.entity.clone();
    let ann = &mut entity.metadata.annotations;
    for key in [a::RUN_ID, a::RUN_STATUS, a::RUN_STATUS_BUCKET, a::RUN_UPDATED_AT, a::RUN_CREATED_AT] {
        ann.remove(key);
    }
    for key in a::RUN_TRIGGER_KEYS {
        ann.remove(key);
    }
    if let Some(trigger) = state.run.as_ref().and_then(|r| r.trigger.as_ref()) {
        crate::catalog::workspace::put_trigger(
            &mut |k: &'static str, v: &str| {
                ann.insert(k.into(), v.to_owned());
            },
            trigger,
        );
    }
    if let Some(run) = &state.run {
        ann.insert(a::RUN_ID.into(), run.run_id.clone());
        ann.insert(a::RUN_STATUS.into(), run.status.clone());
        ann.insert(a::RUN_STATUS_BUCKET.into(), run.bucket.as_str().into());
        if let Some(at) = &run.status_at {
            ann.insert(a::RUN_UPDATED_AT.into(), at.clone());
        }
        if let Some(at) = &run.created_at {
            ann.insert(a::RUN_CREATED_AT.into(), at.clone());
        }
        let workspace_url = entity
            .metadata
            .links
            .iter()
            .find(|l| l.link_type.as_deref() == Some("terraform-workspace"))
            .map(|l| l.url.clone());
        if let Some(link) = entity.metadata.links.iter_mut().find(|l| l.link_type.as_deref() == Some("terraform-run")) {
            if let Some(ws) = workspace_url {
                link.url = format!("{ws}/runs/{}", run.run_id);
            }
        }
    }
    if let Some(drift) = &state.drift {
        let ann = &mut entity.metadata.annotations;
        ann.insert(a::DRIFT_STATE.into(), drift.state.clone());
        for (key, value) in [
            (a::DRIFT_RESOURCES, drift.resources_drifted),
            (a::DRIFT_RESOURCES_UNDRIFTED, drift.resources_undrifted),
            (a::DRIFT_CHECKS_FAILED, drift.checks_failed),
            (a::DRIFT_CHECKS_PASSED, drift.checks_passed),
            (a::DRIFT_CHECKS_UNKNOWN, drift.checks_unknown),
        ] {
            if let Some(n) = value {
                ann.insert(key.into(), n.to_string());
            }
        }
        if let Some(at) = &drift.assessed_at {
            ann.insert(a::DRIFT_ASSESSED_AT.into(), at.clone());
        }
    }
    entity
}

/// What the plugin's registry keeps beside a workspace's state, to find it and decide who sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistryEntry {
    /// The workspace name as in TFE.
    pub workspace_name: String,
    /// The entity the plugin made for it: what the catalog's permission check is asked about.
    pub entity_ref: String,
    /// The current run.
    pub current_run_id: Option<String>,
    /// The module path of the template it instantiates.
    pub blueprint: Option<String>,
    /// Its project (`prj-…`): the System whose health it counts in.
    pub project_id: Option<String>,
    /// The refresh keys services naming this workspace registered.
    pub refresh_keys: Vec<String>,
}

/// The registry entry of a workspace state.
pub fn registry_entry(state: &WorkspaceState) -> RegistryEntry {
    let entity = render(state);
    let ann = &entity.metadata.annotations;
    let workspace_name = ann.get(a::WORKSPACE_NAME).cloned().unwrap_or_else(|| entity.metadata.name.clone());
    let selector = |workspace_id: Option<String>, workspace_name: Option<String>| crate::service::WorkspaceSelector {
        organization: state.organization.clone(),
        workspace_id,
        workspace_name,
        ..Default::default()
    };
    RegistryEntry {
        refresh_keys: [selector(Some(state.workspace_id.clone()), None), selector(None, Some(workspace_name.clone()))]
            .iter()
            .filter_map(crate::service::WorkspaceSelector::refresh_key)
            .collect(),
        entity_ref: entity.entity_ref(),
        current_run_id: state.run.as_ref().map(|r| r.run_id.clone()),
        blueprint: ann.get(a::BLUEPRINT).cloned(),
        project_id: ann.get(a::PROJECT_ID).cloned(),
        workspace_name,
    }
}

impl Fact {
    /// The fact a notification carries: a run event's run, or a workspace event's assessment.
    pub fn from_notification(notification: &Notification) -> Option<Fact> {
        match notification {
            Notification::Run(event) => Some(Fact::Run { run: event.into(), plan_only: false }),
            Notification::Workspace(event) => event.drift.as_ref().map(|d| Fact::Assessment { drift: d.into() }),
            _ => None,
        }
    }

    /// The fact a run record holds (a run read from TFE).
    pub fn from_record(record: &RunRecord) -> Fact {
        Fact::Run {
            run: RunFacts::from_record(record),
            plan_only: record.summary.as_ref().and_then(|s| s.plan_only).unwrap_or(false),
        }
    }

    /// The fact an incremental refresh found.
    pub fn from_run_update(update: &RunUpdate) -> Fact {
        Fact::Run { run: update.into(), plan_only: false }
    }
}

impl From<&RunEvent> for RunFacts {
    fn from(e: &RunEvent) -> Self {
        RunFacts {
            run_id: e.run_id.clone(),
            status: e.run_status.clone(),
            bucket: e.bucket,
            status_at: e.run_updated_at.clone(),
            created_at: e.run_created_at.clone(),
            url: e.run_url.clone(),
            trigger: None,
        }
    }
}

impl From<&RunUpdate> for RunFacts {
    fn from(u: &RunUpdate) -> Self {
        RunFacts {
            run_id: u.run_id.clone(),
            status: u.status.clone(),
            bucket: status::bucket(&u.status, None),
            status_at: u.updated_at.clone(),
            created_at: u.created_at.clone(),
            url: None,
            trigger: None,
        }
    }
}

impl RunFacts {
    /// What a run record (a run read from TFE, or a notification) says of the run.
    pub fn from_record(record: &RunRecord) -> Self {
        let summary = record.summary.as_ref().filter(|s| s.status == record.status);
        RunFacts {
            run_id: record.run_id.clone(),
            status: record.status.clone(),
            bucket: summary.map_or_else(|| status::bucket(&record.status, None), |s| s.bucket),
            status_at: record.updated_at.clone(),
            created_at: record.summary.as_ref().and_then(|s| s.created_at.clone()),
            url: record.summary.as_ref().and_then(|s| s.links.get("run").cloned()),
            trigger: record.summary.as_ref().and_then(|s| s.trigger.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synced(run: Option<(&str, &str, &str, &str)>) -> Entity {
        let (included, current) = match run {
            Some((id, status, created, at)) => (
                format!(
                    r#","included":[{{"id":"{id}","type":"runs","attributes":{{"status":"{status}","created-at":"{created}","status-timestamps":{{"{status}-at":"{at}"}}}}}}]"#
                ),
                format!(r#","current-run":{{"data":{{"id":"{id}"}}}}"#),
            ),
            None => (String::new(), String::new()),
        };
        let text = format!(
            r#"{{"data":{{"id":"ws-1","type":"workspaces","attributes":{{"name":"net"}},"relationships":{{"organization":{{"data":{{"id":"acme"}}}}{current}}}}}{included}}}"#
        );
        crate::map_documents(&[crate::SourceDocument { name: "w".into(), text }], &Default::default())
            .unwrap()
            .remove(0)
    }

    fn run(id: &str, status: &str, created: &str, at: Option<&str>) -> Fact {
        Fact::Run {
            run: RunFacts {
                run_id: id.into(),
                status: status.into(),
                bucket: status::bucket(status, None),
                status_at: at.map(Into::into),
                created_at: Some(created.into()),
                url: None,
                trigger: None,
            },
            plan_only: false,
        }
    }

    fn drift(at: &str, state: &str) -> Fact {
        Fact::Assessment {
            drift: DriftFacts {
                state: state.into(),
                resources_drifted: Some(2),
                resources_undrifted: Some(8),
                checks_failed: Some(0),
                checks_passed: Some(3),
                checks_unknown: Some(1),
                assessed_at: Some(at.into()),
            },
        }
    }

    fn start() -> WorkspaceState {
        let entity = synced(Some(("run-1", "planning", "2026-11-20T10:00:00Z", "2026-11-20T10:00:05Z")));
        merge(None, &Fact::Synced { entity: Box::new(entity), outputs: None }).unwrap()
    }

    #[test]
    fn a_sync_never_reverts_a_newer_status_nor_drops_drift() {
        let s = start();
        let s =
            merge(Some(&s), &run("run-1", "errored", "2026-11-20T10:00:00Z", Some("2026-11-20T10:01:00Z"))).unwrap();
        let s = merge(Some(&s), &drift("2026-11-20T09:00:00Z", "drifted")).unwrap();
        // The snapshot was read before the run errored: it still says planning, and has no drift.
        let older = synced(Some(("run-1", "planning", "2026-11-20T10:00:00Z", "2026-11-20T10:00:05Z")));
        assert_eq!(merge(Some(&s), &Fact::Synced { entity: Box::new(older), outputs: None }), None, "nothing changes");
        let e = render(&s);
        assert_eq!(e.metadata.annotations.get(a::RUN_STATUS).unwrap(), "errored");
        assert_eq!(e.metadata.annotations.get(a::RUN_STATUS_BUCKET).unwrap(), "failure");
        assert_eq!(e.metadata.annotations.get(a::DRIFT_STATE).unwrap(), "drifted");
        assert_eq!(e.metadata.annotations.get(a::DRIFT_CHECKS_UNKNOWN).unwrap(), "1");
    }

    #[test]
    fn a_newer_run_replaces_the_current_one_and_an_older_one_does_not() {
        let s = start();
        let newer = merge(Some(&s), &run("run-2", "queued", "2026-11-20T11:00:00Z", None)).unwrap();
        assert_eq!(newer.run.as_ref().unwrap().run_id, "run-2");
        assert_eq!(
            merge(Some(&newer), &run("run-1", "applied", "2026-11-20T10:00:00Z", Some("2026-11-20T12:00:00Z"))),
            None
        );
        let link = render(&newer).metadata.links.into_iter().find(|l| l.link_type.as_deref() == Some("terraform-run"));
        assert!(link.unwrap().url.ends_with("/runs/run-2"));
    }

    #[test]
    fn out_of_order_statuses_of_one_run_keep_the_latest() {
        let s = start();
        let applied =
            merge(Some(&s), &run("run-1", "applied", "2026-11-20T10:00:00Z", Some("2026-11-20T10:05:00Z"))).unwrap();
        let late = run("run-1", "applying", "2026-11-20T10:00:00Z", Some("2026-11-20T10:03:00Z"));
        assert_eq!(merge(Some(&applied), &late), None);
        let untimed = run("run-1", "errored", "2026-11-20T10:00:00Z", None);
        assert_eq!(merge(Some(&applied), &untimed), None, "a fact without a timestamp never replaces one with it");
    }

    #[test]
    fn plan_only_runs_and_facts_of_unknown_workspaces_change_nothing() {
        let s = start();
        let Fact::Run { run: facts, .. } = run("run-9", "planned_and_finished", "2026-11-20T12:00:00Z", None) else {
            unreachable!()
        };
        assert_eq!(merge(Some(&s), &Fact::Run { run: facts.clone(), plan_only: true }), None);
        assert_eq!(merge(None, &Fact::Run { run: facts, plan_only: false }), None);
    }

    #[test]
    fn the_registry_names_the_entity_and_the_refresh_keys_services_register() {
        let entry = registry_entry(&start());
        assert_eq!(entry.entity_ref, "resource:acme/net");
        assert_eq!(entry.current_run_id.as_deref(), Some("run-1"));
        let by_id = crate::service::WorkspaceSelector {
            organization: "acme".into(),
            workspace_id: Some("ws-1".into()),
            ..Default::default()
        };
        assert!(entry.refresh_keys.contains(&by_id.refresh_key().unwrap()));
        assert_eq!(entry.refresh_keys.len(), 2);
    }

    #[test]
    fn a_trigger_belongs_to_its_run() {
        let s = start();
        let with = |id: &str, by: &str| {
            let at = Some("2026-11-20T10:09:00Z");
            let Fact::Run { run: mut facts, .. } = run(id, "applied", "2026-11-20T10:00:00Z", at) else {
                unreachable!()
            };
            facts.trigger = Some(Trigger { by: Some(by.into()), commit_sha: Some("abc".into()), ..Trigger::default() });
            Fact::Run { run: facts, plan_only: false }
        };
        let s = merge(Some(&s), &with("run-1", "octocat")).unwrap();
        assert_eq!(render(&s).metadata.annotations.get(a::RUN_TRIGGERED_BY).unwrap(), "octocat");
        // The same run read again, with nothing newer but no trigger: the trigger stays.
        let again = run("run-1", "applied", "2026-11-20T10:00:00Z", Some("2026-11-20T10:09:00Z"));
        assert_eq!(merge(Some(&s), &again), None);
        // A newer run without a known trigger: the old run's trigger is not shown for it.
        let s = merge(Some(&s), &run("run-2", "planning", "2026-11-20T11:00:00Z", None)).unwrap();
        assert!(a::RUN_TRIGGER_KEYS.iter().all(|k| !render(&s).metadata.annotations.contains_key(*k)));
        // Its details, read later with the same status, bring its trigger.
        let Fact::Run { run: mut read, .. } = run("run-2", "planning", "2026-11-20T11:00:00Z", None) else {
            unreachable!()
        };
        read.trigger = Some(Trigger { by: Some("jdoe".into()), ..Trigger::default() });
        let s = merge(Some(&s), &Fact::Run { run: read, plan_only: false }).unwrap();
        assert_eq!(render(&s).metadata.annotations.get(a::RUN_TRIGGERED_BY).unwrap(), "jdoe");
    }

    #[test]
    fn assessments_are_ordered_by_when_they_ran() {
        let s = start();
        let s = merge(Some(&s), &drift("2026-11-20T09:00:00Z", "drifted")).unwrap();
        assert_eq!(merge(Some(&s), &drift("2026-11-20T08:00:00Z", "no-drift")), None);
        let s = merge(Some(&s), &drift("2026-11-20T10:00:00Z", "no-drift")).unwrap();
        assert_eq!(render(&s).metadata.annotations.get(a::DRIFT_STATE).unwrap(), "no-drift");
    }
}
