//! How a run and a workspace look to a poller: the small status view with its ETag, and the
//! status of a workspace entity (its current run, drift, blueprint and TFE links).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{RunRecord, RunSummary, WorkspaceRef};
use crate::catalog::{Entity, annotations as a, naming};
use crate::status::{self, StatusBucket};

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
    /// What the listing says of the workspace (size, lock, last change, assessments).
    pub facts: WorkspaceFacts,
    /// Who and what triggered the current run: from its summary when read, else as listed.
    pub trigger: Option<crate::tfe::Trigger>,
    /// The current state's outputs (sensitive ones by name only), when the plugin read them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Vec<crate::tfe::Output>>,
}

/// The workspace facts the listing gives at no extra cost, as the entity's annotations hold them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceFacts {
    /// Resources in the current state.
    pub resource_count: Option<u64>,
    /// Whether the workspace is locked.
    pub locked: Option<bool>,
    /// Who holds the lock.
    pub locked_by: Option<String>,
    /// When the workspace last changed.
    pub latest_change_at: Option<String>,
    /// Whether health assessments are on.
    pub assessments_enabled: Option<bool>,
}

impl WorkspaceFacts {
    fn of(ann: &crate::catalog::entity::Annotations) -> Self {
        let flag = |key: &str| ann.get(key).map(|v| v == "true");
        WorkspaceFacts {
            resource_count: ann.get(a::RESOURCE_COUNT).and_then(|v| v.parse().ok()),
            locked: flag(a::LOCKED),
            locked_by: ann.get(a::LOCKED_BY).cloned(),
            latest_change_at: ann.get(a::LATEST_CHANGE_AT).cloned(),
            assessments_enabled: flag(a::ASSESSMENTS_ENABLED),
        }
    }
}

/// The status of a workspace from the plugin's state (its rendered entity and its outputs), given
/// the plugin's record of its current run.
pub fn state_status(state: &crate::state::WorkspaceState, record: Option<&RunRecord>) -> WorkspaceStatus {
    let status = workspace_status(&crate::state::render(state), record);
    WorkspaceStatus { outputs: state.outputs.clone(), ..status }
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
    /// The version it could move to (see [`crate::catalog::upgrade`]), when the template has one.
    pub latest_version: Option<String>,
    /// Whether it is behind `latest_version`; `None` when its version is unknown or unparsable.
    pub outdated: Option<bool>,
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
    let summary = record.as_ref().and_then(|r| r.summary.clone().filter(|_| !r.stale));
    let listed_trigger = crate::state::RunFacts::from_entity(entity).and_then(|r| r.trigger);
    let trigger = summary.as_ref().and_then(|s| s.trigger.clone()).or(listed_trigger);
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
        summary,
        drift: (!drift.is_empty()).then_some(drift),
        blueprint: ann.get(a::BLUEPRINT).map(|path| BlueprintRef {
            path: path.clone(),
            version: ann.get(a::BLUEPRINT_VERSION).cloned(),
            entity_ref: entity.spec.depends_on.iter().find(|r| r.starts_with("component:")).cloned(),
            latest_version: ann.get(a::BLUEPRINT_LATEST_VERSION).cloned(),
            outdated: ann.get(a::BLUEPRINT_OUTDATED).map(|v| v == "true"),
        }),
        links: entity
            .metadata
            .links
            .iter()
            .filter_map(|l| {
                let kind = l.link_type.as_deref()?.strip_prefix("terraform-").filter(|k| *k != "output")?;
                Some((kind.to_owned(), l.url.clone()))
            })
            .collect(),
        facts: WorkspaceFacts::of(ann),
        trigger,
        outputs: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The corpus case with outputs (one sensitive with a value TFE should not have sent), a lock
    /// and a VCS trigger, through a sync's snapshot into the state, as the status route serves it.
    #[test]
    fn the_status_route_shows_facts_trigger_and_masked_outputs() {
        let text = include_str!("../../../../tests/corpus/outputs-trigger-and-lock/input/workspaces.json");
        let doc = crate::tfe::parse_document("w", text).unwrap();
        let mut collected = crate::catalog::Collected::default();
        collected.add("w", &doc).unwrap();
        let org = crate::catalog::OrgContext::new("acme", &Default::default()).unwrap();
        let linker = crate::catalog::Linker::new(&collected, org);
        let (ws, run) = collected.take_workspaces().into_iter().find(|(w, _)| w.name == "payments-prod").unwrap();
        let entity = linker.workspace_entity(&ws, run.as_ref());
        let fact = crate::state::Fact::Synced { entity: Box::new(entity), outputs: ws.outputs.clone() };
        let state = crate::state::merge(None, &fact).unwrap();
        let status = state_status(&state, None);
        assert_eq!(
            status.facts,
            WorkspaceFacts {
                resource_count: Some(148),
                locked: Some(true),
                locked_by: Some("oncall-ops".into()),
                latest_change_at: Some("2026-11-19T08:12:40.000Z".into()),
                assessments_enabled: Some(true),
            }
        );
        let trigger = status.trigger.as_ref().unwrap();
        assert_eq!((trigger.by.as_deref(), trigger.pull_request_number), (Some("octocat"), Some(214)));
        let outputs = status.outputs.as_ref().unwrap();
        assert_eq!(
            outputs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>()[..4],
            ["url", "console_url", "backstage_link_grafana", "db_password"]
        );
        assert_eq!(outputs[4].value, Some(serde_json::json!(["subnet-0a1", "subnet-0b2"])));
        assert!(outputs[3].sensitive && outputs[3].value.is_none());
        assert!(!status.links.contains_key("output"), "output links are not TFE links");
        let everywhere = [
            serde_json::to_string(&status).unwrap(),
            serde_json::to_string(&state).unwrap(),
            serde_json::to_string(&crate::state::render(&state)).unwrap(),
        ];
        for text in everywhere {
            assert!(!text.contains("corpus-sensitive-value-must-not-appear"));
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
        assert_eq!((blueprint.latest_version, blueprint.outdated), (None, None), "no upgrade known");
        entity.metadata.annotations.insert(a::BLUEPRINT_LATEST_VERSION.into(), "3.2.0".into());
        entity.metadata.annotations.insert(a::BLUEPRINT_OUTDATED.into(), "true".into());
        let blueprint = workspace_status(&entity, None).blueprint.unwrap();
        assert_eq!((blueprint.latest_version.as_deref(), blueprint.outdated), (Some("3.2.0"), Some(true)));
    }
}
