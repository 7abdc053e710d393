//! Catalog entities as Port entities: projects (`terraform_project`, the catalog's Systems),
//! blueprint templates (`blueprint_template`) and workspaces (`blueprint_instance`, related to
//! both), ready to upsert under their `blueprint`.
//!
//! Derived from the catalog entities, so that Backstage and Port can never disagree. Every
//! workspace is an instance; `blueprint` is `null` for one that no template is known to have made.
//! Every entity carries two marker properties, `managed_by: "tfe-catalog"` and `tfe_organization`:
//! a push deletes only entities that carry both (with its organization), so a Port user's own
//! entities in the same blueprints are never touched.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::blueprint::{INSTANCE, PROJECT, TEMPLATE};
use crate::catalog::annotations as a;
use crate::catalog::{Entity, project::PROJECT_TYPE, registry_module::BLUEPRINT_TYPE, workspace::WORKSPACE_TYPE};
use crate::tfe::Output;

/// The property that marks an entity as written by this tool.
pub const MANAGED_BY: &str = "managed_by";
/// Its value.
pub const MANAGED_BY_VALUE: &str = "tfe-catalog";
/// The property naming the TFE organization an entity was read from.
pub const ORGANIZATION: &str = "tfe_organization";

/// The instance properties that describe the workspace's current run: a run event replaces them
/// together, and the newest `run_updated_at` wins.
pub const RUN_PROPERTIES: [&str; 5] = ["terraform_status", "status_bucket", "run_id", "run_updated_at", "tfe_link"];

/// The instance properties that describe who and what triggered the current run: a run event for
/// another run clears them (the next push fills them in).
pub const RUN_TRIGGER_PROPERTIES: [&str; 4] = ["run_triggered_by", "run_commit_sha", "run_branch", "run_pull_request"];

/// One Port entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortEntity {
    /// `terraform_project`, `blueprint_template` or `blueprint_instance`.
    pub blueprint: String,
    /// `<namespace>.<name>`: unique, and within Port's identifier alphabet.
    pub identifier: String,
    /// What people call it.
    pub title: String,
    /// The blueprint's properties.
    pub properties: Map<String, Value>,
    /// `{"blueprint": <template identifier>, "project": <project identifier>}` on instances.
    pub relations: Map<String, Value>,
}

/// Adds each instance's outputs, as the sync's snapshot carries them beside the entities (`ws-…` →
/// outputs): `outputs`, the non-sensitive values by name (one too large to keep is left out: TFE
/// shows it), and `sensitive_outputs`, the names of the sensitive ones, whose values never left TFE.
/// An instance whose outputs the listing did not give keeps neither property.
pub fn add_outputs(entities: &mut [PortEntity], outputs: &BTreeMap<String, Vec<Output>>) {
    for entity in entities.iter_mut().filter(|e| e.blueprint == INSTANCE) {
        let Some(outputs) =
            entity.properties.get("workspace_id").and_then(Value::as_str).and_then(|id| outputs.get(id))
        else {
            continue;
        };
        let values: Map<String, Value> =
            outputs.iter().filter(|o| !o.sensitive).filter_map(|o| Some((o.name.clone(), o.value.clone()?))).collect();
        let sensitive: Vec<&str> = outputs.iter().filter(|o| o.sensitive).map(|o| o.name.as_str()).collect();
        entity.properties.insert("outputs".to_owned(), Value::Object(values));
        entity.properties.insert("sensitive_outputs".to_owned(), json!(sensitive));
    }
}

impl PortEntity {
    /// Whether this tool wrote it, for `organization`.
    pub fn is_ours(&self, organization: &str) -> bool {
        self.properties.get(MANAGED_BY).and_then(Value::as_str) == Some(MANAGED_BY_VALUE)
            && self.properties.get(ORGANIZATION).and_then(Value::as_str) == Some(organization)
    }

    /// The body Port's entity API takes (the blueprint is in the path).
    pub fn body(&self) -> Value {
        json!({"identifier": self.identifier, "title": self.title, "properties": self.properties, "relations": self.relations})
    }
}

fn identifier(e: &Entity) -> String {
    format!("{}.{}", e.metadata.namespace, e.metadata.name)
}

fn annotation(e: &Entity, key: &str) -> Value {
    e.metadata.annotations.get(key).map_or(Value::Null, |v| json!(v))
}

fn repo_url(e: &Entity) -> Value {
    e.metadata.links.iter().find(|l| l.link_type.as_deref() == Some("source")).map_or(Value::Null, |l| json!(l.url))
}

fn title(e: &Entity) -> String {
    e.metadata.title.clone().unwrap_or_else(|| e.metadata.name.clone())
}

fn markers(organization: &str) -> [(String, Value); 2] {
    [(MANAGED_BY.to_owned(), json!(MANAGED_BY_VALUE)), (ORGANIZATION.to_owned(), json!(organization))]
}

/// The organization of `entities`: the one named in `options`, else the workspaces' annotation.
pub fn organization_of(entities: &[Entity], configured: Option<&str>) -> String {
    configured
        .map(str::to_owned)
        .or_else(|| entities.iter().find_map(|e| e.metadata.annotations.get(a::ORGANIZATION).cloned()))
        .unwrap_or_default()
}

/// Port entities for the templates and workspaces among `entities`, marked as read from
/// `organization`.
pub fn to_port(entities: &[Entity], organization: &str) -> Vec<PortEntity> {
    let id_of = |entity_ref: &str| entities.iter().find(|t| t.entity_ref() == entity_ref).map(identifier);
    entities
        .iter()
        .filter_map(|e| {
            let (blueprint, properties, relations) = match e.spec.entity_type.as_deref() {
                Some(PROJECT_TYPE) => (PROJECT, project_properties(e), Map::new()),
                Some(BLUEPRINT_TYPE) => (TEMPLATE, template_properties(e), Map::new()),
                Some(WORKSPACE_TYPE) => {
                    let blueprint = e.spec.depends_on.iter().find_map(|r| id_of(r));
                    let project = e.spec.system.as_deref().and_then(id_of);
                    let relations = Map::from_iter([
                        ("blueprint".to_owned(), json!(blueprint)),
                        ("project".to_owned(), json!(project)),
                    ]);
                    (INSTANCE, instance_properties(e, blueprint.as_deref()), relations)
                }
                _ => return None,
            };
            let mut properties = properties;
            properties.extend(markers(organization));
            Some(PortEntity {
                blueprint: blueprint.to_owned(),
                identifier: identifier(e),
                title: title(e),
                properties,
                relations,
            })
        })
        .collect()
}

fn project_properties(e: &Entity) -> Map<String, Value> {
    let tfe_link = e.metadata.links.first().map_or(Value::Null, |l| json!(l.url));
    let properties = json!({
        "project_id": annotation(e, a::PROJECT_ID),
        "owner": e.spec.owner,
        "tfe_link": tfe_link,
    });
    properties.as_object().cloned().unwrap_or_default()
}

/// The listing's workspace facts and the current run's trigger, typed as the blueprint declares
/// them; absent facts are `null`.
fn workspace_fact_properties(e: &Entity) -> Map<String, Value> {
    let ann = &e.metadata.annotations;
    let number = |key: &str| ann.get(key).and_then(|v| v.parse::<u64>().ok()).map_or(Value::Null, |n| json!(n));
    let flag = |key: &str| ann.get(key).map_or(Value::Null, |v| json!(v == "true"));
    let properties = json!({
        "resource_count": number(a::RESOURCE_COUNT),
        "locked": flag(a::LOCKED),
        "locked_by": annotation(e, a::LOCKED_BY),
        "latest_change_at": annotation(e, a::LATEST_CHANGE_AT),
        "run_triggered_by": annotation(e, a::RUN_TRIGGERED_BY),
        "run_commit_sha": annotation(e, a::RUN_COMMIT_SHA),
        "run_branch": annotation(e, a::RUN_BRANCH),
        "run_pull_request": number(a::RUN_PULL_REQUEST),
    });
    properties.as_object().cloned().unwrap_or_default()
}

fn template_properties(e: &Entity) -> Map<String, Value> {
    let inputs = e
        .metadata
        .annotations
        .get(a::MODULE_INPUTS_REQUIRED)
        .map_or(Value::Null, |v| json!(v.split(',').filter(|s| !s.is_empty()).collect::<Vec<_>>()));
    let properties = json!({
        "module_path": annotation(e, a::MODULE_PATH),
        "version": annotation(e, a::MODULE_VERSION),
        "repo_url": repo_url(e),
        "inputs_required": inputs,
        "owner": e.spec.owner,
        "status": annotation(e, a::MODULE_STATUS),
        "instances_behind": e.metadata.annotations.get(a::BLUEPRINT_INSTANCES_BEHIND).and_then(|n| n.parse::<u64>().ok()),
    });
    properties.as_object().cloned().unwrap_or_default()
}

fn instance_properties(e: &Entity, blueprint: Option<&str>) -> Map<String, Value> {
    let tfe_link = e
        .metadata
        .links
        .iter()
        .find(|l| l.link_type.as_deref() == Some("terraform-run"))
        .or_else(|| e.metadata.links.first())
        .map_or(Value::Null, |l| json!(l.url));
    let properties = json!({
        "workspace_id": annotation(e, a::WORKSPACE_ID),
        "terraform_status": annotation(e, a::RUN_STATUS),
        "status_bucket": annotation(e, a::RUN_STATUS_BUCKET),
        "run_id": annotation(e, a::RUN_ID),
        "run_updated_at": annotation(e, a::RUN_UPDATED_AT),
        "blueprint": blueprint,
        "blueprint_version": annotation(e, a::BLUEPRINT_VERSION),
        "repo_url": repo_url(e),
        "tfe_link": tfe_link,
        "blueprint_latest_version": annotation(e, a::BLUEPRINT_LATEST_VERSION),
        "blueprint_outdated": e.metadata.annotations.get(a::BLUEPRINT_OUTDATED).map(|v| v == "true"),
    });
    let mut properties = properties.as_object().cloned().unwrap_or_default();
    properties.extend(workspace_fact_properties(e));
    properties
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_carries_the_workspace_facts_and_the_current_runs_trigger() {
        let text = include_str!("../../../../tests/corpus/outputs-trigger-and-lock/input/workspaces.json");
        let entities =
            crate::map_documents(&[crate::SourceDocument { name: "w".into(), text: text.into() }], &Default::default())
                .unwrap();
        let port = to_port(&entities, "acme");
        let prod = port.iter().find(|e| e.identifier == "acme.payments-prod").unwrap();
        let p = &prod.properties;
        assert_eq!(
            (p["resource_count"].clone(), p["locked"].clone(), p["locked_by"].clone()),
            (json!(148), json!(true), json!("oncall-ops"))
        );
        assert_eq!(p["latest_change_at"], "2026-11-19T08:12:40.000Z");
        assert_eq!(
            (p["run_triggered_by"].clone(), p["run_branch"].clone(), p["run_pull_request"].clone()),
            (json!("octocat"), json!("main"), json!(214))
        );
        assert_eq!(super::super::blueprint::validate(prod), Ok(()));
        let dev = port.iter().find(|e| e.identifier == "acme.payments-dev").unwrap();
        assert_eq!(
            (dev.properties["locked"].clone(), dev.properties["run_triggered_by"].clone()),
            (json!(false), Value::Null)
        );
    }

    #[test]
    fn an_instance_carries_its_outputs_values_and_only_the_names_of_sensitive_ones() {
        let text = include_str!("../../../../tests/corpus/outputs-trigger-and-lock/input/workspaces.json");
        let entities =
            crate::map_documents(&[crate::SourceDocument { name: "w".into(), text: text.into() }], &Default::default())
                .unwrap();
        let mut port = to_port(&entities, "acme");
        let prod = port.iter().find(|e| e.identifier == "acme.payments-prod").unwrap();
        let id = prod.properties["workspace_id"].as_str().unwrap().to_owned();
        let outputs: Vec<Output> = serde_json::from_value(json!([
            {"name": "url", "sensitive": false, "value": "https://payments.acme.example"},
            {"name": "subnet_ids", "sensitive": false, "value": ["subnet-0a1"]},
            {"name": "huge", "sensitive": false, "valueBytes": 90000},
            {"name": "db_password", "sensitive": true},
        ]))
        .unwrap();
        add_outputs(&mut port, &BTreeMap::from([(id, outputs)]));
        let prod = port.iter().find(|e| e.identifier == "acme.payments-prod").unwrap();
        assert_eq!(
            prod.properties["outputs"],
            json!({"url": "https://payments.acme.example", "subnet_ids": ["subnet-0a1"]})
        );
        assert_eq!(prod.properties["sensitive_outputs"], json!(["db_password"]));
        assert_eq!(super::super::blueprint::validate(prod), Ok(()));
        let dev = port.iter().find(|e| e.identifier == "acme.payments-dev").unwrap();
        assert!(!dev.properties.contains_key("outputs"), "outputs not listed: no property");
    }
}
