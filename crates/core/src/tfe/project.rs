//! A TFE project (`type: projects`).

use super::jsonapi::Resource;
use super::lenient::{Text, ToOne, object};
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

object! {
    /// The attributes of a project the catalog reads.
    struct Attributes<'a> {
        "name" => name: Text<'a>,
        "description" => description: Text<'a>,
    }
}

object! {
    /// The relationships of a project the catalog reads.
    struct Relationships<'a> {
        "organization" => organization: ToOne<'a>,
    }
}

impl Project {
    /// Reads a project from a `projects` resource.
    pub fn from_resource(document: &str, r: &Resource) -> Result<Self, ParseError> {
        let a: Attributes = r.attributes.view();
        let rel: Relationships = r.relationships.view();
        let name = a.name.non_empty().ok_or_else(|| ParseError::BadResource {
            document: document.to_owned(),
            resource: format!("projects/{}", r.id),
            reason: "attribute `name` is missing or not a non-empty string".to_owned(),
        })?;
        Ok(Project {
            id: r.id.clone(),
            name: name.trim().to_owned(),
            description: a.description.owned(),
            organization: rel.organization.id().map(str::to_owned),
        })
    }
}
