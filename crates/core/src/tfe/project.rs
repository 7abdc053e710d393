//! A TFE project (`type: projects`).

use super::jsonapi::Resource;
use crate::error::ParseError;

/// A project: the grouping of workspaces that becomes a Backstage `System`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// `prj-…`.
    pub id: String,
    /// Letters, digits, spaces, `-`, `_`; 3–40 characters (so it needs slugifying).
    pub name: String,
    /// Up to 256 characters, may be null.
    pub description: Option<String>,
    /// `relationships.organization.data.id`.
    pub organization: Option<String>,
}

impl Project {
    /// Reads a project from a `projects` resource.
    pub fn from_resource(document: &str, r: &Resource) -> Result<Self, ParseError> {
        let name = r.attr_text("name").ok_or_else(|| ParseError::BadResource {
            document: document.to_owned(),
            resource: format!("projects/{}", r.id),
            reason: "attribute `name` is missing or not a non-empty string".to_owned(),
        })?;
        Ok(Project {
            id: r.id.clone(),
            name: name.trim().to_owned(),
            description: r.attr_text("description").map(str::to_owned),
            organization: r.relationship_id("organization").map(str::to_owned),
        })
    }
}
