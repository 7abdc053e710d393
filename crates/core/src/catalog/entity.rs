//! The Backstage entity shape the core emits. Field order is fixed and annotations are sorted, so
//! that the JSON is byte-identical on every runtime.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A Backstage catalog entity, as an entity provider hands it to the catalog. It never carries
/// `relations` or `status`: the catalog derives relations from `spec`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entity {
    /// Always `backstage.io/v1alpha1` for the kinds emitted here.
    pub api_version: String,
    /// `Resource`, `System` or `Component`.
    pub kind: String,
    /// Names, annotations, tags and links.
    pub metadata: Metadata,
    /// Kind-specific fields.
    pub spec: Spec,
}

/// `metadata.annotations`, sorted by key. A flat sorted vector rather than a B-tree: an entity has
/// a few dozen annotations, which a `BTreeMap` spreads over half-full nodes of eleven (about twice
/// the memory, in an organization's tens of thousands of entities). Keys are mostly the plugin's
/// own constants, borrowed rather than copied into every entity.
pub type Annotations = litemap::LiteMap<Cow<'static, str>, String>;

/// `metadata` of an entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Valid by Backstage's name rule.
    pub name: String,
    /// One namespace per TFE organization.
    pub namespace: String,
    /// The TFE name as people know it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// TFE's description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Sanitized tags, sorted, without duplicates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Sorted by key.
    #[serde(default)]
    pub annotations: Annotations,
    /// Links into TFE and the source repository.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// One `metadata.links[]` entry. Titles, icons and types are mostly constants, borrowed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Absolute URL.
    pub url: String,
    /// What the link shows.
    pub title: Cow<'static, str>,
    /// A Backstage system icon key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<Cow<'static, str>>,
    /// A machine-readable link type.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub link_type: Option<Cow<'static, str>>,
}

/// `spec` of the kinds emitted here; each field is set only where its kind allows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Spec {
    /// `spec.type` (`terraform-workspace`, ...).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// Component only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<String>,
    /// A full owner ref (`group:default/team-a`).
    pub owner: String,
    /// A full System ref.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Full refs, kind included (`dependsOn` has no default kind).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

impl Entity {
    /// `kind:namespace/name`, lower-cased as Backstage's `stringifyEntityRef` does.
    pub fn entity_ref(&self) -> String {
        format!("{}:{}/{}", self.kind, self.metadata.namespace, self.metadata.name).to_lowercase()
    }

    /// The id of the TFE object this entity was made from (`ws-…`, `prj-…`, `mod-…`).
    pub fn tfe_id(&self) -> Option<&str> {
        use super::annotations as a;
        [a::WORKSPACE_ID, a::PROJECT_ID, a::MODULE_ID]
            .iter()
            .find_map(|key| self.metadata.annotations.get(*key))
            .map(String::as_str)
    }

    /// The workspace id, when this is a workspace's `Resource`.
    pub fn workspace_id(&self) -> Option<&str> {
        (self.kind == super::workspace::KIND)
            .then(|| self.metadata.annotations.get(super::annotations::WORKSPACE_ID))
            .flatten()
            .map(String::as_str)
    }
}
