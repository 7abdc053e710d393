//! Mapping TFE objects to Backstage entities.
//!
//! [`map_documents`] takes an organization's TFE documents (any mix of workspace list and show
//! documents, with or without `included` runs) and returns the entities, sorted by kind and name so
//! that the output does not depend on the order TFE paged them in.

pub mod annotations;
pub mod entity;
pub mod naming;
pub mod workspace;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use entity::{Entity, Link, Metadata, Spec};

use crate::error::MapError;
use crate::tfe::{Document, Run, Workspace, parse_document};

/// The TFE host used when none is configured.
pub const DEFAULT_BASE_URL: &str = "https://app.terraform.io";
/// The owner of entities when no owner is configured: an explicit "nobody" that shows up in
/// Backstage as a dangling group rather than a made-up team.
pub const DEFAULT_OWNER: &str = "group:default/unknown";

/// What a mapping needs beyond the documents. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MapOptions {
    /// The organization; else taken from the workspaces' `relationships.organization`.
    pub organization: Option<String>,
    /// The namespace; else derived from the organization name.
    pub namespace: Option<String>,
    /// The owner of every entity (`team-a`, `group:default/team-a`, `user:jdoe`).
    pub default_owner: Option<String>,
    /// The TFE host for UI links; `https://app.terraform.io` by default.
    pub base_url: Option<String>,
}

/// One input document and the name its errors are labelled with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDocument {
    /// File name, URL or any label.
    pub name: String,
    /// The raw JSON text.
    pub text: String,
}

/// A mapping request as the bindings receive it: the documents and the options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MapRequest {
    /// The documents, in any order.
    pub documents: Vec<SourceDocument>,
    /// The options.
    pub options: MapOptions,
}

/// The resolved, validated facts about the organization being mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgContext {
    /// Organization name.
    pub organization: String,
    /// Namespace of every entity.
    pub namespace: String,
    /// Full owner ref.
    pub default_owner: String,
    /// TFE host without a trailing `/`.
    pub base_url: String,
}

impl OrgContext {
    /// Validates options for `organization`.
    pub fn new(organization: &str, options: &MapOptions) -> Result<Self, MapError> {
        let invalid = |option: &str, reason: String| MapError::InvalidOption {
            option: option.to_owned(),
            reason,
        };
        let namespace = match &options.namespace {
            Some(ns) if naming::is_valid_namespace(ns) => ns.clone(),
            Some(ns) => {
                return Err(invalid(
                    "namespace",
                    format!("{ns:?} is not a lower-case DNS label of at most 63 characters"),
                ));
            }
            None => naming::namespace_for_org(organization),
        };
        let owner = options.default_owner.as_deref().unwrap_or(DEFAULT_OWNER);
        let default_owner = naming::owner_ref(owner).map_err(|r| invalid("defaultOwner", r))?;
        let base_url = options.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(invalid("baseUrl", format!("{base_url:?} is not an http(s) URL")));
        }
        Ok(OrgContext {
            organization: organization.to_owned(),
            namespace,
            default_owner,
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }
}

/// Parses and maps documents into entities.
pub fn map_documents(
    documents: &[SourceDocument],
    options: &MapOptions,
) -> Result<Vec<Entity>, MapError> {
    let parsed = documents
        .iter()
        .map(|d| parse_document(&d.name, &d.text).map(|doc| (d.name.as_str(), doc)))
        .collect::<Result<Vec<_>, _>>()?;
    map_parsed(parsed.iter().map(|(name, doc)| (*name, doc)), options)
}

/// Maps already parsed documents (the sync planner's pages).
pub fn map_parsed<'a>(
    documents: impl IntoIterator<Item = (&'a str, &'a Document)>,
    options: &MapOptions,
) -> Result<Vec<Entity>, MapError> {
    let mut workspaces: BTreeMap<String, Workspace> = BTreeMap::new();
    let mut runs: BTreeMap<String, Run> = BTreeMap::new();
    for (name, doc) in documents {
        for resource in doc.data.iter().chain(&doc.included) {
            match resource.kind.as_str() {
                "workspaces" => {
                    let ws = Workspace::from_resource(name, resource)?;
                    workspaces.insert(ws.id.clone(), ws);
                }
                "runs" => {
                    let run = Run::from_resource(name, resource)?;
                    runs.insert(run.id.clone(), run);
                }
                // Other types (organizations, plans, ...) are not catalog objects.
                _ => {}
            }
        }
    }
    if workspaces.is_empty() {
        return Ok(Vec::new());
    }
    let organization = resolve_organization(options, workspaces.values())?;
    let org = OrgContext::new(&organization, options)?;
    let mut entities: Vec<Entity> = workspaces
        .values()
        .map(|ws| {
            let run = ws.current_run_id.as_ref().and_then(|id| runs.get(id));
            workspace::workspace_entity(ws, run, &org)
        })
        .collect();
    disambiguate(&mut entities);
    entities.sort_by(|a, b| {
        (a.kind.as_str(), a.metadata.name.to_lowercase())
            .cmp(&(b.kind.as_str(), b.metadata.name.to_lowercase()))
    });
    Ok(entities)
}

/// Parses, maps and serializes: the byte-exact output every runtime must agree on (pretty JSON,
/// two-space indent, trailing newline).
pub fn map_documents_to_json(
    documents: &[SourceDocument],
    options: &MapOptions,
) -> Result<String, MapError> {
    Ok(to_json(&map_documents(documents, options)?))
}

/// Serializes entities as the canonical JSON text.
pub fn to_json(entities: &[Entity]) -> String {
    // Serializing these plain structs cannot fail: every map key is a string.
    let mut text = serde_json::to_string_pretty(entities).expect("entities serialize");
    text.push('\n');
    text
}

fn resolve_organization<'a>(
    options: &MapOptions,
    workspaces: impl Iterator<Item = &'a Workspace>,
) -> Result<String, MapError> {
    let mut found = options.organization.clone();
    for ws in workspaces {
        match (&found, &ws.organization) {
            (Some(a), Some(b)) if a != b => {
                return Err(MapError::MixedOrganizations { first: a.clone(), second: b.clone() });
            }
            (None, Some(b)) => found = Some(b.clone()),
            _ => {}
        }
    }
    found.ok_or(MapError::NoOrganization)
}

/// Backstage names are unique per kind and namespace, case-insensitively. When two TFE objects map
/// to one name, the one with the smallest TFE id keeps it and the others get `-<hash of id>`, so
/// names do not change when an unrelated object appears.
fn disambiguate(entities: &mut [Entity]) {
    let id_of = |e: &Entity| {
        e.metadata
            .annotations
            .get(annotations::WORKSPACE_ID)
            .cloned()
            .unwrap_or_default()
    };
    let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, e) in entities.iter().enumerate() {
        groups
            .entry((e.kind.clone(), e.metadata.name.to_lowercase()))
            .or_default()
            .push(i);
    }
    for mut members in groups.into_values().filter(|m| m.len() > 1) {
        members.sort_by_key(|&i| id_of(&entities[i]));
        for &i in &members[1..] {
            let id = id_of(&entities[i]);
            entities[i].metadata.name = naming::with_hash_suffix(&entities[i].metadata.name, &id);
        }
    }
}
