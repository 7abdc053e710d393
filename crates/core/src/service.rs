//! Services that run on TFE workspaces: any catalog entity annotated with a workspace gets a
//! `dependsOn` relation to that workspace's `Resource`.
//!
//! Two annotation sets are read, both may appear:
//! - `terraform.io/organization` + `terraform.io/workspace-id` (ids, comma-separated);
//! - the community keys `terraform/organization` + `terraform/workspace` or
//!   `terraform/workspaces` (names, comma-separated).
//!
//! The host looks each selector up in the catalog (by the workspace id or name annotations the
//! workspace `Resource`s carry) and hands the answers back; [`relations`] then decides the
//! relations and the warnings. A selector that matches nothing is a warning, never a failure.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::{
    annotations as a, project::PROJECT_TYPE, registry_module::BLUEPRINT_TYPE, workspace::WORKSPACE_TYPE,
};

/// The part of an entity this module (and [`crate::health`]) reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AnnotatedEntity {
    /// Entity kind.
    pub kind: String,
    /// Name, namespace, annotations.
    pub metadata: AnnotatedMetadata,
    /// Only `spec.type` is read.
    pub spec: BTreeMap<String, serde_json::Value>,
}

/// `metadata` of an [`AnnotatedEntity`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AnnotatedMetadata {
    /// Name.
    pub name: String,
    /// Namespace; `default` when absent.
    pub namespace: Option<String>,
    /// Annotations.
    pub annotations: BTreeMap<String, String>,
    /// The entity's own links (only their URLs are read: output links never repeat one).
    pub links: Vec<OwnLink>,
}

/// One of an entity's own `metadata.links`, by its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct OwnLink {
    /// The link's target.
    pub url: String,
}

/// One workspace an entity says it runs on.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSelector {
    /// TFE organization name.
    pub organization: String,
    /// `ws-…`, when named by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// The TFE workspace name, when named by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_name: Option<String>,
    /// A template's module path: selects every workspace instantiating it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blueprint: Option<String>,
    /// A project id (`prj-…`): selects every workspace of the project (a System's page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

impl WorkspaceSelector {
    /// The Backstage refresh key tying an entity to the workspace this selector names: the
    /// processor registers it, and the plugin refreshes it when it applies the workspace, so a
    /// service processed before its workspace was synced is processed again right after.
    pub fn refresh_key(&self) -> Option<String> {
        let (which, value) = match (&self.workspace_id, &self.workspace_name) {
            (Some(id), _) => ("id", id),
            (None, Some(name)) => ("name", name),
            _ => return None,
        };
        Some(format!("terraform-workspace:{}:{which}:{value}", self.organization))
    }
}

/// A catalog entity ref in the shape Backstage's processing results take.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntityName {
    /// Kind.
    pub kind: String,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// A relation for the catalog to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relation {
    /// From.
    pub source: EntityName,
    /// `dependsOn` or `dependencyOf`.
    #[serde(rename = "type")]
    pub relation_type: &'static str,
    /// To.
    pub target: EntityName,
}

/// The answer of a catalog lookup for one selector.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolved {
    /// What was looked up.
    pub selector: WorkspaceSelector,
    /// The workspace `Resource`s found (normally one).
    #[serde(default)]
    pub found: Vec<EntityName>,
    /// The same workspaces' entities as the plugin's state renders them now: what the service's
    /// infrastructure health is computed from ([`infrastructure_annotations`]).
    #[serde(default)]
    pub workspaces: Vec<AnnotatedEntity>,
    /// The links those workspaces' outputs give the entity ([`output_links`] of each).
    #[serde(default)]
    pub links: Vec<crate::catalog::Link>,
}

/// Relations and warnings for one entity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServiceLinks {
    /// Both directions of each `dependsOn`.
    pub relations: Vec<Relation>,
    /// One line per selector that matched no workspace.
    pub warnings: Vec<String>,
    /// Links to add to the entity: its workspaces' output links, each URL once and none it has.
    pub links: Vec<crate::catalog::Link>,
}

/// The links a workspace's outputs give the services that depend on it: the workspace entity's
/// output links (the mapping decided which outputs qualify), titled with the workspace's name.
pub fn output_links(workspace: &crate::catalog::Entity) -> Vec<crate::catalog::Link> {
    let name = workspace.metadata.title.as_deref().unwrap_or(&workspace.metadata.name);
    workspace
        .metadata
        .links
        .iter()
        .filter(|l| l.link_type.as_deref() == Some(crate::catalog::output_links::OUTPUT_LINK_TYPE))
        .map(|l| crate::catalog::Link { title: format!("{name}: {}", l.title).into(), ..l.clone() })
        .collect()
}

/// The annotation the shim sets to make [`ServiceLinks::warnings`] visible on the entity.
pub const WARNINGS_ANNOTATION: &str = crate::catalog::annotations::WARNINGS;

fn list(value: Option<&String>) -> Vec<String> {
    value
        .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The workspaces `entity` is annotated with. Workspace `Resource`s themselves (which carry the
/// same annotations to identify themselves) have none.
pub fn selectors(entity: &AnnotatedEntity) -> Vec<WorkspaceSelector> {
    if entity.spec.get("type").and_then(|t| t.as_str()) == Some(WORKSPACE_TYPE) {
        return Vec::new();
    }
    let ann = &entity.metadata.annotations;
    let mut out = Vec::new();
    if let Some(org) = ann.get(a::ORGANIZATION).map(|o| o.trim()).filter(|o| !o.is_empty()) {
        for id in list(ann.get(a::WORKSPACE_ID)) {
            out.push(WorkspaceSelector { organization: org.to_owned(), workspace_id: Some(id), ..Default::default() });
        }
    }
    if let Some(org) = ann.get(a::COMMUNITY_ORGANIZATION).map(|o| o.trim()).filter(|o| !o.is_empty()) {
        let names = list(ann.get(a::COMMUNITY_WORKSPACE)).into_iter().chain(list(ann.get(a::COMMUNITY_WORKSPACES)));
        for name in names {
            out.push(WorkspaceSelector {
                organization: org.to_owned(),
                workspace_name: Some(name),
                ..Default::default()
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The workspaces whose status an entity page shows: a workspace `Resource` shows its own, a
/// blueprint template its instances, any other entity those it is annotated with.
pub fn status_selectors(entity: &AnnotatedEntity) -> Vec<WorkspaceSelector> {
    let ann = &entity.metadata.annotations;
    let of = |organization: &String| WorkspaceSelector { organization: organization.clone(), ..Default::default() };
    match entity.spec.get("type").and_then(|t| t.as_str()) {
        Some(WORKSPACE_TYPE) => match (ann.get(a::ORGANIZATION), ann.get(a::WORKSPACE_ID)) {
            (Some(org), Some(id)) => vec![WorkspaceSelector { workspace_id: Some(id.clone()), ..of(org) }],
            _ => Vec::new(),
        },
        Some(PROJECT_TYPE) => match (ann.get(a::ORGANIZATION), ann.get(a::PROJECT_ID)) {
            (Some(org), Some(id)) => vec![WorkspaceSelector { project_id: Some(id.clone()), ..of(org) }],
            _ => Vec::new(),
        },
        Some(BLUEPRINT_TYPE) if ann.get(a::TEMPLATE).map(String::as_str) == Some("true") => {
            match (ann.get(a::ORGANIZATION), ann.get(a::MODULE_PATH)) {
                (Some(org), Some(path)) => vec![WorkspaceSelector { blueprint: Some(path.clone()), ..of(org) }],
                _ => Vec::new(),
            }
        }
        _ => selectors(entity),
    }
}

/// Relations from `entity` to every workspace found, and a warning per selector that found none.
pub fn relations(entity: &AnnotatedEntity, resolved: &[Resolved]) -> ServiceLinks {
    let me = EntityName {
        kind: entity.kind.clone(),
        namespace: entity.metadata.namespace.clone().unwrap_or_else(|| "default".to_owned()),
        name: entity.metadata.name.clone(),
    };
    let mut links = ServiceLinks::default();
    let mut targets: Vec<&EntityName> = resolved.iter().flat_map(|r| &r.found).collect();
    targets.sort();
    targets.dedup();
    for target in targets {
        links.relations.push(Relation { source: me.clone(), relation_type: "dependsOn", target: target.clone() });
        links.relations.push(Relation { source: target.clone(), relation_type: "dependencyOf", target: me.clone() });
    }
    for link in resolved.iter().filter(|r| !r.found.is_empty()).flat_map(|r| &r.links) {
        let known =
            links.links.iter().any(|l| l.url == link.url) || entity.metadata.links.iter().any(|l| l.url == link.url);
        if crate::origin::is_web_url(&link.url) && !known {
            links.links.push(link.clone());
        }
    }
    for r in resolved.iter().filter(|r| r.found.is_empty()) {
        let what = match (&r.selector.workspace_id, &r.selector.workspace_name) {
            (Some(id), _) => format!("workspace id {id}"),
            (None, Some(name)) => format!("workspace {name}"),
            (None, None) => "a workspace".to_owned(),
        };
        links.warnings.push(format!(
            "{what} of organization {} is not in the catalog (not synced, or misspelt)",
            r.selector.organization
        ));
    }
    links
}

/// The annotations a service gets from the workspaces it runs on: their worst current bucket,
/// drift, and blueprint upgrades (see [`crate::health`]). None when no workspace was found.
pub fn infrastructure_annotations(resolved: &[Resolved]) -> BTreeMap<String, String> {
    let mut workspaces: BTreeMap<Option<&String>, &BTreeMap<String, String>> = BTreeMap::new();
    for ann in resolved.iter().flat_map(|r| &r.workspaces).map(|w| &w.metadata.annotations) {
        workspaces.insert(ann.get(a::WORKSPACE_ID), ann);
    }
    crate::health::health(workspaces.into_values()).service_annotations()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(kind: &str, annotations: &[(&str, &str)], spec_type: &str) -> AnnotatedEntity {
        AnnotatedEntity {
            kind: kind.to_owned(),
            metadata: AnnotatedMetadata {
                name: "payments-api".to_owned(),
                namespace: None,
                annotations: annotations.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
                links: vec![],
            },
            spec: BTreeMap::from([("type".to_owned(), serde_json::json!(spec_type))]),
        }
    }

    #[test]
    fn both_annotation_sets_are_read() {
        let e = entity(
            "Component",
            &[
                ("terraform.io/organization", "acme"),
                ("terraform.io/workspace-id", "ws-1, ws-2"),
                ("terraform/organization", "acme"),
                ("terraform/workspace", "net"),
                ("terraform/workspaces", " db ,net,"),
            ],
            "service",
        );
        let s = selectors(&e);
        let names: Vec<String> =
            s.iter().map(|s| s.workspace_id.clone().or(s.workspace_name.clone()).unwrap()).collect();
        assert_eq!(names, ["db", "net", "ws-1", "ws-2"], "sorted, duplicates removed");
    }

    #[test]
    fn an_organization_is_required_and_workspaces_link_to_nothing() {
        assert!(selectors(&entity("Component", &[("terraform.io/workspace-id", "ws-1")], "service")).is_empty());
        let ws = entity(
            "Resource",
            &[("terraform.io/organization", "acme"), ("terraform.io/workspace-id", "ws-1")],
            WORKSPACE_TYPE,
        );
        assert!(selectors(&ws).is_empty());
    }

    #[test]
    fn a_workspace_page_shows_its_own_status() {
        let ws = entity(
            "Resource",
            &[("terraform.io/organization", "acme"), ("terraform.io/workspace-id", "ws-1")],
            WORKSPACE_TYPE,
        );
        assert_eq!(status_selectors(&ws).len(), 1);
        assert_eq!(status_selectors(&ws)[0].workspace_id.as_deref(), Some("ws-1"));
    }

    #[test]
    fn a_template_page_shows_its_instances() {
        let template = entity(
            "Component",
            &[
                ("terraform.io/organization", "acme"),
                ("terraform.io/template", "true"),
                ("terraform.io/module-path", "acme/vpc/aws"),
            ],
            BLUEPRINT_TYPE,
        );
        let s = status_selectors(&template);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].organization.as_str(), s[0].blueprint.as_deref()), ("acme", Some("acme/vpc/aws")));
        let not_a_template = entity(
            "Component",
            &[("terraform.io/organization", "acme"), ("terraform.io/module-path", "acme/vpc/aws")],
            BLUEPRINT_TYPE,
        );
        assert!(status_selectors(&not_a_template).is_empty());
    }

    #[test]
    fn found_workspaces_give_both_directions_and_missing_ones_warn() {
        let e = entity("Component", &[], "service");
        let ws = EntityName { kind: "resource".into(), namespace: "acme".into(), name: "net".into() };
        let sel = |id: &str| WorkspaceSelector {
            organization: "acme".into(),
            workspace_id: Some(id.into()),
            ..Default::default()
        };
        let links = relations(
            &e,
            &[
                Resolved { selector: sel("ws-1"), found: vec![ws.clone()], workspaces: vec![], links: vec![] },
                Resolved { selector: sel("ws-9"), found: vec![], workspaces: vec![], links: vec![] },
            ],
        );
        assert_eq!(links.relations.len(), 2);
        assert_eq!(links.relations[0].relation_type, "dependsOn");
        assert_eq!(links.relations[0].target, ws);
        assert_eq!(links.relations[1].source, ws);
        assert_eq!(
            links.warnings,
            ["workspace id ws-9 of organization acme is not in the catalog (not synced, or misspelt)"]
        );
    }

    #[test]
    fn a_system_page_shows_its_projects_workspaces() {
        let system = entity(
            "System",
            &[("terraform.io/organization", "acme"), ("terraform.io/project-id", "prj-1")],
            PROJECT_TYPE,
        );
        let s = status_selectors(&system);
        assert_eq!((s.len(), s[0].project_id.as_deref()), (1, Some("prj-1")));
        assert!(selectors(&system).is_empty(), "a System gets no dependsOn");
    }

    #[test]
    fn a_service_takes_the_worst_of_its_workspaces_once_each() {
        let workspace = |name: &str, bucket: &str| {
            let text = format!(
                r#"{{"data":{{"id":"ws-{name}","type":"workspaces","attributes":{{"name":"{name}"}},"relationships":{{"organization":{{"data":{{"id":"acme"}}}},"current-run":{{"data":{{"id":"run-{name}"}}}}}}}},"included":[{{"id":"run-{name}","type":"runs","attributes":{{"status":"{bucket}"}}}}]}}"#
            );
            let entity =
                crate::map_documents(&[crate::SourceDocument { name: "w".into(), text }], &Default::default()).unwrap();
            serde_json::from_value::<AnnotatedEntity>(serde_json::to_value(&entity[0]).unwrap()).unwrap()
        };
        let (ok, failed) = (workspace("net", "applied"), workspace("db", "errored"));
        let sel = WorkspaceSelector { organization: "acme".into(), ..Default::default() };
        let resolved = [
            Resolved {
                selector: sel.clone(),
                found: vec![],
                workspaces: vec![ok.clone(), failed.clone()],
                links: vec![],
            },
            Resolved { selector: sel, found: vec![], workspaces: vec![failed], links: vec![] },
        ];
        let got = infrastructure_annotations(&resolved);
        assert_eq!(got.get(a::HEALTH).map(String::as_str), Some("failure"));
        assert!(infrastructure_annotations(&[]).is_empty(), "nothing found, nothing said");
        let only_ok =
            [Resolved { selector: WorkspaceSelector::default(), found: vec![], workspaces: vec![ok], links: vec![] }];
        assert_eq!(infrastructure_annotations(&only_ok)[a::HEALTH], "success");
    }
}

#[cfg(test)]
mod output_link_tests {
    use super::*;

    #[test]
    fn a_service_gets_its_workspaces_output_links_once_and_only_web_urls() {
        let text = r#"{"data":{"id":"ws-1","type":"workspaces","attributes":{"name":"pay-prod"},"relationships":{"organization":{"data":{"id":"acme"}},"outputs":{"data":[{"id":"wsout-1","type":"workspace-outputs"},{"id":"wsout-2","type":"workspace-outputs"}]}}},"included":[{"id":"wsout-1","type":"workspace-outputs","attributes":{"name":"url","sensitive":false,"value":"https://pay.example.com"}},{"id":"wsout-2","type":"workspace-outputs","attributes":{"name":"console_url","sensitive":true,"value":null}}]}"#;
        let ws =
            crate::map_documents(&[crate::SourceDocument { name: "w".into(), text: text.into() }], &Default::default())
                .unwrap()
                .remove(0);
        let links = output_links(&ws);
        assert_eq!(links.len(), 1);
        assert_eq!((&*links[0].title, links[0].url.as_str()), ("pay-prod: url", "https://pay.example.com"));
        let found = EntityName { kind: "resource".into(), namespace: "acme".into(), name: "pay-prod".into() };
        let sel = WorkspaceSelector {
            organization: "acme".into(),
            workspace_name: Some("pay-prod".into()),
            ..Default::default()
        };
        let mut hostile = links[0].clone();
        hostile.url = "javascript:alert(1)".into();
        let resolved = [
            Resolved {
                selector: sel.clone(),
                found: vec![found.clone()],
                links: vec![links[0].clone(), links[0].clone(), hostile],
                workspaces: vec![],
            },
            Resolved { selector: sel, found: vec![], links: links.clone(), workspaces: vec![] },
        ];
        let service = AnnotatedEntity { kind: "Component".into(), ..Default::default() };
        assert_eq!(relations(&service, &resolved).links, links);
        let mut own = service.clone();
        own.metadata.links = vec![OwnLink { url: "https://pay.example.com".into() }];
        assert_eq!(relations(&own, &resolved).links, vec![], "a URL the service links already is not added again");
    }
}
