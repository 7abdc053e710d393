//! The same model as Port entities: blueprint templates (`blueprint_template`) and workspaces
//! (`blueprint_instance`), ready to `POST` to Port's entities API under their `blueprint`.
//!
//! Derived from the catalog entities, so that Backstage and Port can never disagree. Every
//! workspace is an instance; `blueprint` is `null` for one that no template is known to have made.

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::catalog::annotations as a;
use crate::catalog::{Entity, registry_module::BLUEPRINT_TYPE, workspace::WORKSPACE_TYPE};

/// One Port entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortEntity {
    /// `blueprint_template` or `blueprint_instance`.
    pub blueprint: &'static str,
    /// `<namespace>.<name>`: unique, and within Port's identifier alphabet.
    pub identifier: String,
    /// What people call it.
    pub title: String,
    /// The blueprint's properties.
    pub properties: Map<String, Value>,
    /// `{"blueprint": <template identifier>}` on instances.
    pub relations: Map<String, Value>,
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

/// Port entities for the templates and workspaces among `entities`.
pub fn to_port(entities: &[Entity]) -> Vec<PortEntity> {
    let template_id = |entity_ref: &str| entities.iter().find(|t| t.entity_ref() == entity_ref).map(identifier);
    entities
        .iter()
        .filter_map(|e| match e.spec.entity_type.as_deref() {
            Some(BLUEPRINT_TYPE) => {
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
                });
                Some(PortEntity {
                    blueprint: "blueprint_template",
                    identifier: identifier(e),
                    title: e.metadata.title.clone().unwrap_or_else(|| e.metadata.name.clone()),
                    properties: properties.as_object().cloned().unwrap_or_default(),
                    relations: Map::new(),
                })
            }
            Some(WORKSPACE_TYPE) => {
                let blueprint = e.spec.depends_on.iter().find_map(|r| template_id(r));
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
                    "blueprint": blueprint,
                    "blueprint_version": annotation(e, a::BLUEPRINT_VERSION),
                    "repo_url": repo_url(e),
                    "tfe_link": tfe_link,
                });
                let mut relations = Map::new();
                relations.insert("blueprint".to_owned(), json!(blueprint));
                Some(PortEntity {
                    blueprint: "blueprint_instance",
                    identifier: identifier(e),
                    title: e.metadata.title.clone().unwrap_or_else(|| e.metadata.name.clone()),
                    properties: properties.as_object().cloned().unwrap_or_default(),
                    relations,
                })
            }
            _ => None,
        })
        .collect()
}
