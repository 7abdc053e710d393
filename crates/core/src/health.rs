//! One infrastructure health per service and System: the worst current run bucket of the
//! workspaces it runs on, whether one of them drifted, and (for services) which of them are behind
//! their blueprint. Computed from the workspaces' rendered entities, so it is as fresh as they are.
//!
//! A service's workspaces are those it is annotated with; a System's (a TFE project) are the
//! project's workspaces, which are also where every service running in the project runs.
//! Workspaces without a current run give no bucket; an entity none of whose workspaces has a run
//! has no health.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::catalog::{Entity, annotations as a};
use crate::service::AnnotatedEntity;
use crate::status::StatusBucket;

/// Buckets from the least to the most severe: the health of several workspaces is the last one
/// of this list that any of them is in. A failure outranks a run waiting for a person, which
/// outranks a status nobody knows (it may hide either), a run someone stopped, a run still moving,
/// and success.
pub const SEVERITY: [StatusBucket; 6] = [
    StatusBucket::Success,
    StatusBucket::InProgress,
    StatusBucket::Canceled,
    StatusBucket::Unknown,
    StatusBucket::NeedsAttention,
    StatusBucket::Failure,
];

/// How severe a bucket is: its place in [`SEVERITY`].
pub fn severity(bucket: StatusBucket) -> usize {
    // Every bucket is in SEVERITY (the test below proves it), so the fallback is never taken.
    SEVERITY.iter().position(|b| *b == bucket).unwrap_or(SEVERITY.len())
}

/// One workspace behind its blueprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlueprintUpgrade {
    /// The workspace name.
    pub workspace: String,
    /// The template's module path.
    pub path: String,
    /// The version it is on.
    pub version: String,
    /// The version it could move to.
    pub latest: String,
}

/// The infrastructure health of an entity's workspaces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// The worst current run bucket; `None` when no workspace has a current run.
    pub bucket: Option<StatusBucket>,
    /// Whether a workspace drifted at its last assessment; `None` when none was assessed.
    pub drifted: Option<bool>,
    /// The workspaces behind their blueprint.
    pub blueprint_upgrades: Vec<BlueprintUpgrade>,
}

/// Annotations however they are held: a mapped entity's, or those of an entity read back from the
/// catalog as JSON.
pub trait Annotated {
    /// The value of annotation `key`.
    fn annotation(&self, key: &str) -> Option<&str>;
}

impl Annotated for BTreeMap<String, String> {
    fn annotation(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

impl Annotated for crate::catalog::entity::Annotations {
    fn annotation(&self, key: &str) -> Option<&str> {
        self.get(key).map(String::as_str)
    }
}

/// The health of workspaces, given their entities' annotations (as rendered from the plugin's
/// state).
pub fn health<'a, A: Annotated + 'a>(workspaces: impl IntoIterator<Item = &'a A>) -> Health {
    let mut health = Health::default();
    for ann in workspaces {
        let bucket = ann.annotation(a::RUN_STATUS_BUCKET).map(StatusBucket::from_str_lossy);
        if let Some(bucket) = bucket.filter(|b| health.bucket.is_none_or(|worst| severity(*b) > severity(worst))) {
            health.bucket = Some(bucket);
        }
        if let Some(state) = ann.annotation(a::DRIFT_STATE) {
            health.drifted = Some(health.drifted == Some(true) || state == "drifted");
        }
        if ann.annotation(a::BLUEPRINT_OUTDATED) == Some("true") {
            let get = |key: &str| ann.annotation(key).unwrap_or_default().to_owned();
            health.blueprint_upgrades.push(BlueprintUpgrade {
                workspace: get(a::WORKSPACE_NAME),
                path: get(a::BLUEPRINT),
                version: get(a::BLUEPRINT_VERSION),
                latest: get(a::BLUEPRINT_LATEST_VERSION),
            });
        }
    }
    health.blueprint_upgrades.sort_by(|x, y| x.workspace.cmp(&y.workspace));
    health
}

impl Health {
    /// The annotations a System carries: health and drift.
    pub fn system_annotations(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        if let Some(bucket) = self.bucket {
            out.insert(a::HEALTH.to_owned(), bucket.as_str().to_owned());
        }
        if let Some(drifted) = self.drifted {
            out.insert(a::DRIFTED.to_owned(), drifted.to_string());
        }
        out
    }

    /// The annotations a service carries: a System's, and its blueprint upgrades.
    pub fn service_annotations(&self) -> BTreeMap<String, String> {
        let mut out = self.system_annotations();
        if !self.blueprint_upgrades.is_empty() {
            out.insert(a::BLUEPRINT_OUTDATED.to_owned(), "true".to_owned());
            let upgrades: Vec<String> =
                self.blueprint_upgrades.iter().map(|u| format!("{} {} → {}", u.path, u.version, u.latest)).collect();
            out.insert(a::BLUEPRINT_UPGRADES.to_owned(), upgrades.join(", "));
        }
        out
    }
}

/// The organization's entities other than workspaces (`model`: Systems, templates), each System
/// with the health of `workspaces` that are part of it (their `spec.system`). Only the annotations
/// and `spec` of workspace entities are read, so a whole organization's are cheap to pass.
pub fn with_system_health(mut model: Vec<Entity>, workspaces: &[AnnotatedEntity]) -> Vec<Entity> {
    let mut by_system: BTreeMap<String, Vec<&BTreeMap<String, String>>> = BTreeMap::new();
    for ws in workspaces {
        if let Some(system) = ws.spec.get("system").and_then(serde_json::Value::as_str) {
            by_system.entry(system.to_lowercase()).or_default().push(&ws.metadata.annotations);
        }
    }
    for system in model.iter_mut().filter(|e| e.kind == "System") {
        let members = by_system.remove(&system.entity_ref()).unwrap_or_default();
        let ann = &mut system.metadata.annotations;
        ann.remove(a::HEALTH);
        ann.remove(a::DRIFTED);
        ann.extend(health(members).system_annotations().into_iter().map(|(k, v)| (k.into(), v)));
    }
    model
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Metadata, Spec};

    /// What a host passes: an entity's JSON, read as the part health needs.
    fn view(e: &Entity) -> AnnotatedEntity {
        serde_json::from_value(serde_json::to_value(e).unwrap()).unwrap()
    }

    fn entity(kind: &str, name: &str, system: Option<&str>, annotations: &[(&str, &str)]) -> Entity {
        Entity {
            api_version: "backstage.io/v1alpha1".into(),
            kind: kind.into(),
            metadata: Metadata {
                name: name.into(),
                namespace: "acme".into(),
                title: None,
                description: None,
                tags: vec![],
                annotations: annotations.iter().map(|(k, v)| ((*k).to_owned().into(), (*v).to_owned())).collect(),
                links: vec![],
            },
            spec: Spec { owner: "group:default/x".into(), system: system.map(Into::into), ..Spec::default() },
        }
    }

    fn ws(name: &str, annotations: &[(&str, &str)]) -> Entity {
        let mut all = vec![(a::WORKSPACE_NAME, name)];
        all.extend_from_slice(annotations);
        entity("Resource", name, Some("system:acme/core"), &all)
    }

    #[test]
    fn severity_orders_every_bucket() {
        use StatusBucket::*;
        for bucket in [Success, Failure, Canceled, NeedsAttention, InProgress, Unknown] {
            assert!(severity(bucket) < SEVERITY.len(), "{bucket:?} has a severity");
        }
        let mut buckets = vec![Unknown, Success, Failure, InProgress, NeedsAttention, Canceled];
        buckets.sort_by_key(|b| std::cmp::Reverse(severity(*b)));
        assert_eq!(buckets, [Failure, NeedsAttention, Unknown, Canceled, InProgress, Success]);
    }

    /// (each workspace's bucket and drift state, expected health and drifted).
    type Case = (&'static [(Option<&'static str>, Option<&'static str>)], Option<&'static str>, Option<&'static str>);
    const CASES: &[Case] = &[
        (&[(Some("success"), None), (Some("failure"), None), (Some("in-progress"), None)], Some("failure"), None),
        (
            &[(Some("success"), Some("no-drift")), (Some("needs-attention"), Some("drifted"))],
            Some("needs-attention"),
            Some("true"),
        ),
        (&[(Some("in-progress"), Some("no-drift")), (None, None)], Some("in-progress"), Some("false")),
        (&[(Some("canceled"), None), (Some("something-new"), None)], Some("unknown"), None),
        (&[(None, Some("drifted"))], None, Some("true")),
        (&[], None, None),
    ];

    #[test]
    fn the_worst_bucket_and_any_drift() {
        for (workspaces, expected_health, expected_drifted) in CASES {
            let entities: Vec<Entity> = workspaces
                .iter()
                .enumerate()
                .map(|(i, (bucket, drift))| {
                    let mut ann = vec![];
                    ann.extend(bucket.map(|b| (a::RUN_STATUS_BUCKET, b)));
                    ann.extend(drift.map(|d| (a::DRIFT_STATE, d)));
                    ws(&format!("ws-{i}"), &ann)
                })
                .collect();
            let got = health(entities.iter().map(|e| &e.metadata.annotations)).service_annotations();
            assert_eq!(got.get(a::HEALTH).map(String::as_str), *expected_health, "{workspaces:?}");
            assert_eq!(got.get(a::DRIFTED).map(String::as_str), *expected_drifted, "{workspaces:?}");
        }
    }

    #[test]
    fn a_service_names_its_outdated_blueprints() {
        let behind = [
            (a::BLUEPRINT, "acme/vpc/aws"),
            (a::BLUEPRINT_VERSION, "1.0.0"),
            (a::BLUEPRINT_LATEST_VERSION, "1.2.0"),
            (a::BLUEPRINT_OUTDATED, "true"),
        ];
        let current =
            [(a::BLUEPRINT, "acme/dns/aws"), (a::BLUEPRINT_VERSION, "2.0.0"), (a::BLUEPRINT_OUTDATED, "false")];
        let (net, dns) = (ws("net", &behind), ws("dns", &current));
        let got = health([&net.metadata.annotations, &dns.metadata.annotations]).service_annotations();
        assert_eq!(got[a::BLUEPRINT_OUTDATED], "true");
        assert_eq!(got[a::BLUEPRINT_UPGRADES], "acme/vpc/aws 1.0.0 → 1.2.0");
        assert!(!health([&dns.metadata.annotations]).service_annotations().contains_key(a::BLUEPRINT_OUTDATED));
    }

    #[test]
    fn each_system_takes_its_own_workspaces() {
        let model = vec![
            entity("System", "core", None, &[(a::HEALTH, "success")]),
            entity("System", "idle", None, &[(a::HEALTH, "failure")]),
            entity("Component", "vpc-aws", None, &[]),
        ];
        let workspaces = [
            ws("a", &[(a::RUN_STATUS_BUCKET, "success")]),
            ws("b", &[(a::RUN_STATUS_BUCKET, "failure"), (a::DRIFT_STATE, "drifted")]),
        ];
        let out = with_system_health(model, &workspaces.iter().map(view).collect::<Vec<_>>());
        assert_eq!(out[0].metadata.annotations.get(a::HEALTH).unwrap(), "failure");
        assert_eq!(out[0].metadata.annotations.get(a::DRIFTED).unwrap(), "true");
        assert!(!out[1].metadata.annotations.contains_key(a::HEALTH), "a System without runs has no health");
        assert!(out[2].metadata.annotations.is_empty(), "templates are left alone");
    }
}
