//! Alerts to the people who own a workspace: which changes of a workspace's state deserve a
//! notification, of which kind, under which key, in which words, and to whom.
//!
//! The plugin asks [`alerts`] after every merge that changed a workspace's state (see
//! [`crate::state::merge`]), with the state before and after. Because the merge already ordered
//! the facts by TFE's timestamps, a replayed or older fact never changes the state and so never
//! gets here; what gets here is a real move. An alert is due when:
//!
//! - the current run **moved into** the `failure` bucket (errored, hard policy failure) or the
//!   `needs-attention` bucket (waiting for a confirmation, a policy override, a task decision):
//!   a new current run in that bucket, or the same run entering it. The same run staying in its
//!   bucket (a later timestamp of the same status, another paused status) is no news;
//! - the last health assessment **found drift** (`drifted`) after one that did not.
//!
//! **Baselines.** What the plugin learns the first time is not a change: a workspace state made by
//! an organization's first sync, and a workspace's first known assessment, alert nothing (so
//! turning the plugin on does not page every owner of every workspace that errored last year). A
//! workspace that appears in a later sync is news: its current run alerts when it is in an
//! alerting bucket.
//!
//! **Once.** Every alert has a key, `(organization, subject, kind)`: the run id for run alerts,
//! the workspace id and assessment time for drift. The plugin inserts that key into its database
//! under a unique constraint before it sends; the first insert sends, every other replica, retried
//! webhook, or sync that reports the same thing finds the key taken and skips.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::catalog::{Entity, annotations as a};
use crate::state::{self, DriftFacts, RunFacts, WorkspaceState};
use crate::status::StatusBucket;

/// What an alert reports; also the names `alerts.buckets` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AlertKind {
    /// The current run failed (the `failure` bucket: `errored`, `policy_soft_failed`).
    Failure,
    /// The current run waits for a person (the `needs-attention` bucket).
    NeedsAttention,
    /// A health assessment found drift.
    Drift,
}

impl AlertKind {
    /// Every kind, in the order the documentation lists them.
    pub const ALL: [AlertKind; 3] = [AlertKind::Failure, AlertKind::NeedsAttention, AlertKind::Drift];

    /// The configuration name (`failure`, `needs-attention`, `drift`): a status bucket's name for
    /// the run kinds.
    pub const fn as_str(self) -> &'static str {
        match self {
            AlertKind::Failure => StatusBucket::Failure.as_str(),
            AlertKind::NeedsAttention => StatusBucket::NeedsAttention.as_str(),
            AlertKind::Drift => "drift",
        }
    }

    /// The kind a run in `bucket` alerts as, if any.
    fn of_bucket(bucket: StatusBucket) -> Option<AlertKind> {
        match bucket {
            StatusBucket::Failure => Some(AlertKind::Failure),
            StatusBucket::NeedsAttention => Some(AlertKind::NeedsAttention),
            _ => None,
        }
    }

    /// How urgent Backstage's notifications show it.
    const fn severity(self) -> &'static str {
        match self {
            AlertKind::Failure => "high",
            AlertKind::NeedsAttention | AlertKind::Drift => "normal",
        }
    }
}

/// `terraform.organizations[].alerts` as written in the app-config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AlertConfig {
    /// Alerts are opt-in: off unless `true`.
    pub enabled: bool,
    /// The kinds that notify; every kind when absent.
    pub buckets: Option<Vec<String>>,
}

/// An organization's alert settings, checked: the kinds that notify (none: alerts are off).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSettings {
    /// Sorted, without duplicates.
    pub kinds: Vec<AlertKind>,
}

/// The `alerts` setting of an organization is unusable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AlertConfigError {
    /// A bucket name that is not an alert kind.
    #[error("alerts.buckets: unknown bucket {bucket:?} (one of failure, needs-attention, drift)")]
    UnknownBucket {
        /// The name as configured.
        bucket: String,
    },
    /// `enabled: true` with an empty list would be on and silent.
    #[error(
        "alerts.buckets is empty: list at least one of failure, needs-attention, drift, or set alerts.enabled: false"
    )]
    NoBuckets,
}

/// Checks an organization's `alerts` setting (absent: off).
pub fn settings(config: Option<&AlertConfig>) -> Result<AlertSettings, AlertConfigError> {
    let Some(config) = config.filter(|c| c.enabled) else {
        return Ok(AlertSettings::default());
    };
    let Some(names) = &config.buckets else {
        return Ok(AlertSettings { kinds: AlertKind::ALL.to_vec() });
    };
    let mut kinds = names
        .iter()
        .map(|name| {
            AlertKind::ALL
                .into_iter()
                .find(|k| k.as_str() == name.trim())
                .ok_or_else(|| AlertConfigError::UnknownBucket { bucket: name.clone() })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if kinds.is_empty() {
        return Err(AlertConfigError::NoBuckets);
    }
    kinds.sort();
    kinds.dedup();
    Ok(AlertSettings { kinds })
}

/// A merge that changed a workspace's state: what the plugin passes to [`alerts`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Merged {
    /// The state before (none: the merge created it).
    pub previous: Option<WorkspaceState>,
    /// The state written.
    pub next: WorkspaceState,
    /// The merge belongs to the organization's first sync: it sets the baseline.
    #[serde(default)]
    pub baseline: bool,
}

/// One notification to send, once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// What it reports.
    pub kind: AlertKind,
    /// The organization (first part of the once-only key).
    pub organization: String,
    /// What it is about (second part of the key): the run id, or `<workspace id>@<assessed at>`.
    pub subject: String,
    /// The workspace.
    pub workspace_id: String,
    /// The workspace's entity.
    pub entity_ref: String,
    /// The workspace entity's owner: always a recipient.
    pub owner: String,
    /// The catalog query that finds the entities depending on the workspace (their owners are
    /// recipients too): `relations.dependsOn` equal to the workspace's ref.
    pub dependents_filter: BTreeMap<String, String>,
    /// The notification's title.
    pub title: String,
    /// Its text, naming the run or assessment and its page in TFE.
    pub description: String,
    /// The workspace's entity page in Backstage (a path of the app).
    pub link: String,
    /// The run's (or, for drift, the workspace's) page in TFE.
    pub tfe_url: Option<String>,
    /// Backstage's notification severity.
    pub severity: &'static str,
    /// Backstage's notification topic (users can mute a topic).
    pub topic: String,
}

/// The alerts due for a merge under `settings`: none, one, or a run alert and a drift alert.
pub fn alerts(settings: &AlertSettings, merged: &Merged) -> Vec<Alert> {
    if settings.kinds.is_empty() || (merged.baseline && merged.previous.is_none()) {
        return Vec::new();
    }
    let next = &merged.next;
    let previous = merged.previous.as_ref();
    let mut out = Vec::new();
    if let Some((run, kind)) = run_alert(previous.and_then(|p| p.run.as_ref()), next.run.as_ref())
        && settings.kinds.contains(&kind)
    {
        out.push(for_run(next, run, kind));
    }
    if let Some(drift) = new_drift(previous.and_then(|p| p.drift.as_ref()), next.drift.as_ref())
        && settings.kinds.contains(&AlertKind::Drift)
    {
        out.push(for_drift(next, drift));
    }
    out
}

/// The run and its kind when the current run moved into an alerting bucket.
fn run_alert<'a>(previous: Option<&RunFacts>, next: Option<&'a RunFacts>) -> Option<(&'a RunFacts, AlertKind)> {
    let next = next?;
    let kind = AlertKind::of_bucket(next.bucket)?;
    let already = previous.is_some_and(|p| p.run_id == next.run_id && AlertKind::of_bucket(p.bucket) == Some(kind));
    (!already).then_some((next, kind))
}

const DRIFTED: &str = "drifted";

/// The assessment when it found drift and the one known before it did not.
fn new_drift<'a>(previous: Option<&DriftFacts>, next: Option<&'a DriftFacts>) -> Option<&'a DriftFacts> {
    let next = next.filter(|d| d.state == DRIFTED)?;
    previous.filter(|p| p.state != DRIFTED).map(|_| next)
}

/// What every alert of a workspace shares.
struct About {
    entity: Entity,
    name: String,
}

impl About {
    fn of(state: &WorkspaceState) -> Self {
        let entity = state::render(state);
        let ann = &entity.metadata.annotations;
        let name = ann.get(a::WORKSPACE_NAME).cloned().unwrap_or_else(|| entity.metadata.name.clone());
        About { entity, name }
    }

    fn link_of(&self, link_type: &str) -> Option<String> {
        self.entity.metadata.links.iter().find(|l| l.link_type.as_deref() == Some(link_type)).map(|l| l.url.clone())
    }

    fn alert(
        self,
        state: &WorkspaceState,
        kind: AlertKind,
        subject: String,
        title: String,
        description: String,
        tfe_url: Option<String>,
    ) -> Alert {
        let entity_ref = self.entity.entity_ref();
        let m = &self.entity.metadata;
        let description = match &tfe_url {
            Some(url) => format!("{description} In TFE: {url}"),
            None => description,
        };
        Alert {
            kind,
            organization: state.organization.clone(),
            subject,
            workspace_id: state.workspace_id.clone(),
            owner: self.entity.spec.owner.to_lowercase(),
            dependents_filter: BTreeMap::from([("relations.dependsOn".to_owned(), entity_ref.clone())]),
            link: format!("/catalog/{}/{}/{}", m.namespace, self.entity.kind.to_lowercase(), m.name),
            entity_ref,
            title,
            description,
            tfe_url,
            severity: kind.severity(),
            topic: format!("terraform-{}", kind.as_str()),
        }
    }
}

fn for_run(state: &WorkspaceState, run: &RunFacts, kind: AlertKind) -> Alert {
    let about = About::of(state);
    let (ws, org, id, status) = (&about.name, &state.organization, &run.run_id, &run.status);
    let (title, description) = match kind {
        AlertKind::Failure => (
            format!("Terraform run failed: {ws}"),
            format!("Run {id} of workspace {ws} (organization {org}) ended {status}."),
        ),
        _ => (
            format!("Terraform run waits for a decision: {ws}"),
            format!(
                "Run {id} of workspace {ws} (organization {org}) is waiting at {status}: someone must confirm, override or discard it."
            ),
        ),
    };
    let url =
        run.url.clone().or_else(|| about.link_of("terraform-run")).or_else(|| about.link_of("terraform-workspace"));
    about.alert(state, kind, run.run_id.clone(), title, description, url)
}

fn for_drift(state: &WorkspaceState, drift: &DriftFacts) -> Alert {
    let about = About::of(state);
    let (ws, org) = (&about.name, &state.organization);
    let resources = match drift.resources_drifted {
        Some(1) => "1 resource has".to_owned(),
        Some(n) => format!("{n} resources have"),
        None => "resources have".to_owned(),
    };
    let when = drift.assessed_at.as_deref().map(|at| format!(" at {at}")).unwrap_or_default();
    let description = format!(
        "The health assessment of workspace {ws} (organization {org}){when} found that {resources} drifted from the configuration."
    );
    let subject = format!("{}@{}", state.workspace_id, drift.assessed_at.as_deref().unwrap_or("unknown"));
    let (title, url) = (format!("Drift detected: {ws}"), about.link_of("terraform-workspace"));
    about.alert(state, AlertKind::Drift, subject, title, description, url)
}

/// Part of a catalog entity that depends on the workspace: its relations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Dependent {
    /// As the catalog stores them.
    pub relations: Vec<EntityRelation>,
}

/// A relation as the catalog stores it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityRelation {
    /// `ownedBy`, `dependsOn`, ...
    #[serde(rename = "type")]
    pub relation_type: String,
    /// The full ref of the other end.
    pub target_ref: String,
}

/// Who an alert goes to: the workspace's owner and the owners (`ownedBy`) of every entity that
/// depends on it, each once. Backstage's notifications then reach a group's members.
/// `owner` is the alert's [`Alert::owner`].
pub fn recipients(owner: &str, dependents: &[Dependent]) -> Vec<String> {
    let owners = dependents
        .iter()
        .flat_map(|d| &d.relations)
        .filter(|r| r.relation_type == "ownedBy")
        .map(|r| r.target_ref.to_lowercase());
    let mut out: Vec<String> = std::iter::once(owner.to_lowercase()).chain(owners).collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Fact, merge};
    use crate::status;

    fn workspace() -> WorkspaceState {
        let text = r#"{"data":{"id":"ws-1","type":"workspaces","attributes":{"name":"net"},"relationships":{"organization":{"data":{"id":"acme"}},"current-run":{"data":{"id":"run-1"}}}},
            "included":[{"id":"run-1","type":"runs","attributes":{"status":"applied","created-at":"2026-11-20T10:00:00Z","status-timestamps":{"applied-at":"2026-11-20T10:05:00Z"}}}]}"#;
        let options = crate::MapOptions { default_owner: Some("group:default/platform".into()), ..Default::default() };
        let entity = crate::map_documents(&[crate::SourceDocument { name: "w".into(), text: text.into() }], &options)
            .unwrap()
            .remove(0);
        merge(None, &Fact::Synced { entity: Box::new(entity), outputs: None }).unwrap()
    }

    fn run(id: &str, status: &str, created: &str, at: &str) -> Fact {
        Fact::Run {
            run: RunFacts {
                run_id: id.into(),
                status: status.into(),
                bucket: status::bucket(status, Some(false)),
                status_at: Some(at.into()),
                created_at: Some(created.into()),
                url: None,
                trigger: None,
            },
            plan_only: false,
        }
    }

    fn assessment(state: &str, at: &str) -> Fact {
        Fact::Assessment {
            drift: DriftFacts {
                state: state.into(),
                resources_drifted: Some(3),
                resources_undrifted: Some(7),
                checks_failed: None,
                checks_passed: None,
                checks_unknown: None,
                assessed_at: Some(at.into()),
            },
        }
    }

    fn every_kind() -> AlertSettings {
        settings(Some(&AlertConfig { enabled: true, buckets: None })).unwrap()
    }

    /// The alerts of merging `fact` into `state`, and the state after it.
    fn step(settings: &AlertSettings, state: &WorkspaceState, fact: &Fact) -> (Vec<Alert>, WorkspaceState) {
        let next = merge(Some(state), fact).expect("the fact changes the state");
        (alerts(settings, &Merged { previous: Some(state.clone()), next: next.clone(), baseline: false }), next)
    }

    #[test]
    fn an_errored_run_alerts_once_with_links_to_the_entity_page_and_the_run() {
        let (found, errored) =
            step(&every_kind(), &workspace(), &run("run-2", "errored", "2026-11-20T11:00:00Z", "2026-11-20T11:02:00Z"));
        assert_eq!(found.len(), 1);
        let alert = &found[0];
        assert_eq!(
            (alert.kind, alert.subject.as_str(), alert.organization.as_str()),
            (AlertKind::Failure, "run-2", "acme")
        );
        assert_eq!(alert.title, "Terraform run failed: net");
        assert_eq!(alert.link, "/catalog/acme/resource/net");
        assert_eq!(alert.tfe_url.as_deref(), Some("https://app.terraform.io/app/acme/workspaces/net/runs/run-2"));
        assert_eq!(
            alert.description,
            "Run run-2 of workspace net (organization acme) ended errored. In TFE: https://app.terraform.io/app/acme/workspaces/net/runs/run-2"
        );
        assert_eq!((alert.owner.as_str(), alert.severity), ("group:default/platform", "high"));
        assert_eq!(alert.dependents_filter["relations.dependsOn"], "resource:acme/net");
        // The same status again, later (TFE retried, or the sync saw it after the webhook): no news.
        let (again, _) =
            step(&every_kind(), &errored, &run("run-2", "errored", "2026-11-20T11:00:00Z", "2026-11-20T11:03:00Z"));
        assert_eq!(again, []);
    }

    #[test]
    fn a_run_waiting_for_a_decision_alerts_once_per_run_and_then_again_if_it_fails() {
        let s = every_kind();
        let (found, paused) =
            step(&s, &workspace(), &run("run-2", "policy_override", "2026-11-20T11:00:00Z", "2026-11-20T11:01:00Z"));
        assert_eq!(
            found.iter().map(|a| (a.kind, a.subject.as_str())).collect::<Vec<_>>(),
            [(AlertKind::NeedsAttention, "run-2")]
        );
        assert!(found[0].description.contains("waiting at policy_override"));
        // Overridden, then waiting again for the apply's confirmation: still the same decision to make.
        let (found, planned) =
            step(&s, &paused, &run("run-2", "planned", "2026-11-20T11:00:00Z", "2026-11-20T11:04:00Z"));
        assert_eq!(found, []);
        let (found, _) = step(&s, &planned, &run("run-2", "errored", "2026-11-20T11:00:00Z", "2026-11-20T11:06:00Z"));
        assert_eq!(found.iter().map(|a| a.kind).collect::<Vec<_>>(), [AlertKind::Failure]);
    }

    #[test]
    fn a_run_paused_again_after_moving_on_is_alerted_under_the_same_key() {
        // Waiting at the plan's task stage, running, then waiting at the apply's: the state says
        // "moved into needs-attention" twice; the key (organization, run, kind) is what keeps the
        // second from reaching anyone.
        let s = every_kind();
        let (first, paused) = step(
            &s,
            &workspace(),
            &run("run-2", "pre_plan_awaiting_decision", "2026-11-20T11:00:00Z", "2026-11-20T11:01:00Z"),
        );
        let (_, moving) = step(&s, &paused, &run("run-2", "applying", "2026-11-20T11:00:00Z", "2026-11-20T11:02:00Z"));
        let (second, _) = step(
            &s,
            &moving,
            &run("run-2", "pre_apply_awaiting_decision", "2026-11-20T11:00:00Z", "2026-11-20T11:03:00Z"),
        );
        let key = |a: &Alert| (a.organization.clone(), a.subject.clone(), a.kind);
        assert_eq!(first.iter().map(key).collect::<Vec<_>>(), second.iter().map(key).collect::<Vec<_>>());
        assert_eq!(first.len(), 1);
    }

    #[test]
    fn moving_runs_successes_and_cancellations_alert_nothing() {
        let s = every_kind();
        for status in
            ["planning", "applying", "applied", "planned_and_finished", "discarded", "canceled", "teleporting"]
        {
            let (found, _) =
                step(&s, &workspace(), &run("run-2", status, "2026-11-20T11:00:00Z", "2026-11-20T11:01:00Z"));
            assert_eq!(found, [], "{status}");
        }
    }

    #[test]
    fn drift_alerts_when_an_assessment_finds_it_after_one_that_did_not() {
        let s = every_kind();
        // The first assessment known is the baseline, drifted or not.
        let (found, first) = step(&s, &workspace(), &assessment("drifted", "2026-11-20T08:00:00Z"));
        assert_eq!(found, []);
        let (found, clean) = step(&s, &first, &assessment("no-drift", "2026-11-20T09:00:00Z"));
        assert_eq!(found, []);
        let (found, drifted) = step(&s, &clean, &assessment("drifted", "2026-11-20T10:00:00Z"));
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].kind, found[0].subject.as_str()), (AlertKind::Drift, "ws-1@2026-11-20T10:00:00Z"));
        assert_eq!(found[0].title, "Drift detected: net");
        assert!(found[0].description.contains("found that 3 resources have drifted"), "{}", found[0].description);
        assert_eq!(found[0].tfe_url.as_deref(), Some("https://app.terraform.io/app/acme/workspaces/net"));
        // Still drifted at the next assessment: the owners know already.
        let (found, _) = step(&s, &drifted, &assessment("drifted", "2026-11-20T11:00:00Z"));
        assert_eq!(found, []);
    }

    #[test]
    fn the_first_sync_sets_the_baseline_and_later_new_workspaces_are_news() {
        let s = every_kind();
        let mut next = workspace();
        next.run =
            Some(RunFacts { bucket: StatusBucket::Failure, status: "errored".into(), ..next.run.take().unwrap() });
        assert_eq!(alerts(&s, &Merged { previous: None, next: next.clone(), baseline: true }), []);
        let found = alerts(&s, &Merged { previous: None, next, baseline: false });
        assert_eq!(found.iter().map(|a| a.subject.as_str()).collect::<Vec<_>>(), ["run-1"]);
    }

    #[test]
    fn only_the_configured_buckets_notify() {
        let failures = settings(Some(&AlertConfig { enabled: true, buckets: Some(vec!["failure".into()]) })).unwrap();
        let (found, _) =
            step(&failures, &workspace(), &run("run-2", "planned", "2026-11-20T11:00:00Z", "2026-11-20T11:01:00Z"));
        assert_eq!(found, []);
        let (found, _) =
            step(&failures, &workspace(), &run("run-2", "errored", "2026-11-20T11:00:00Z", "2026-11-20T11:01:00Z"));
        assert_eq!(found.len(), 1);
        let off = settings(None).unwrap();
        let (found, _) =
            step(&off, &workspace(), &run("run-2", "errored", "2026-11-20T11:00:00Z", "2026-11-20T11:01:00Z"));
        assert_eq!(found, []);
    }

    #[test]
    fn settings_are_opt_in_and_name_known_buckets() {
        assert_eq!(settings(None), Ok(AlertSettings::default()));
        let disabled = AlertConfig { enabled: false, buckets: Some(vec!["failure".into()]) };
        assert_eq!(settings(Some(&disabled)), Ok(AlertSettings::default()));
        let listed =
            AlertConfig { enabled: true, buckets: Some(vec!["drift".into(), "failure".into(), "drift".into()]) };
        assert_eq!(settings(Some(&listed)).unwrap().kinds, [AlertKind::Failure, AlertKind::Drift]);
        let wrong = AlertConfig { enabled: true, buckets: Some(vec!["success".into()]) };
        assert_eq!(
            settings(Some(&wrong)).unwrap_err().to_string(),
            "alerts.buckets: unknown bucket \"success\" (one of failure, needs-attention, drift)"
        );
        let empty = AlertConfig { enabled: true, buckets: Some(vec![]) };
        assert_eq!(settings(Some(&empty)), Err(AlertConfigError::NoBuckets));
    }

    #[test]
    fn recipients_are_the_workspace_owner_and_the_owners_of_its_dependents_once_each() {
        let (found, _) =
            step(&every_kind(), &workspace(), &run("run-2", "errored", "2026-11-20T11:00:00Z", "2026-11-20T11:01:00Z"));
        let relation = |t: &str, to: &str| EntityRelation { relation_type: t.into(), target_ref: to.into() };
        let dependents = [
            Dependent {
                relations: vec![
                    relation("ownedBy", "group:default/Team-A"),
                    relation("dependsOn", "resource:acme/net"),
                ],
            },
            Dependent { relations: vec![relation("ownedBy", "group:default/team-a")] },
            Dependent { relations: vec![relation("ownedBy", "user:default/jdoe")] },
            Dependent::default(),
        ];
        assert_eq!(
            recipients(&found[0].owner, &dependents),
            ["group:default/platform", "group:default/team-a", "user:default/jdoe"]
        );
    }
}
