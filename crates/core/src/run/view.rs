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
            latest_version: ann.get(a::BLUEPRINT_LATEST_VERSION).cloned(),
            outdated: ann.get(a::BLUEPRINT_OUTDATED).map(|v| v == "true"),
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
