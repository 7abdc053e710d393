//! A private registry module (`type: registry-modules`), and the registry protocol's module details
//! document, which is where a module's inputs are exposed.

use serde_json::Value;

use super::jsonapi::Resource;
use super::lenient::{List, Text, ToOne, object};
use super::workspace::{ObjectOr, VcsRepo, VcsRepoView};
use crate::error::ParseError;

/// A registry module: a blueprint template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryModule {
    /// `mod-…`.
    pub id: String,
    /// Module name (`vpc`).
    pub name: String,
    /// Registry namespace: the organization for private modules.
    pub namespace: String,
    /// Provider (`aws`).
    pub provider: String,
    /// `private` or `public`.
    pub registry_name: String,
    /// `pending`, `no_version_tags`, `setup_failed`, `setup_complete`.
    pub status: Option<String>,
    /// `version-statuses[]`: (version, status).
    pub versions: Vec<(String, String)>,
    /// `vcs-repo`.
    pub vcs_repo: Option<VcsRepo>,
    /// `relationships.organization.data.id`.
    pub organization: Option<String>,
}

object! {
    /// The attributes of a registry module the catalog reads.
    struct Attributes<'a> {
        "name" => name: Text<'a>,
        "namespace" => namespace: Text<'a>,
        "provider" => provider: Text<'a>,
        "registry-name" => registry_name: Text<'a>,
        "status" => status: Text<'a>,
        "version-statuses" => version_statuses: List<VersionStatus<'a>>,
        "vcs-repo" => vcs_repo: ObjectOr<VcsRepoView<'a>>,
    }
}

object! {
    /// One `version-statuses[]` entry.
    struct VersionStatus<'a> {
        "version" => version: Text<'a>,
        "status" => status: Text<'a>,
    }
}

object! {
    /// The relationships of a registry module the catalog reads.
    struct Relationships<'a> {
        "organization" => organization: ToOne<'a>,
    }
}

impl RegistryModule {
    /// Reads a module from a `registry-modules` resource.
    pub fn from_resource(document: &str, r: &Resource) -> Result<Self, ParseError> {
        let a: Attributes = r.attributes.view();
        let rel: Relationships = r.relationships.view();
        let required = |key: &str, value: &Text| {
            value.owned().ok_or_else(|| ParseError::BadResource {
                document: document.to_owned(),
                resource: format!("registry-modules/{}", r.id),
                reason: format!("attribute `{key}` is missing or not a non-empty string"),
            })
        };
        let versions = a
            .version_statuses
            .0
            .iter()
            .filter_map(|v| Some((v.version.get()?.to_owned(), v.status.get()?.to_owned())))
            .collect();
        Ok(RegistryModule {
            id: r.id.clone(),
            name: required("name", &a.name)?,
            namespace: required("namespace", &a.namespace)?,
            provider: required("provider", &a.provider)?,
            registry_name: a.registry_name.non_empty().unwrap_or("private").to_owned(),
            status: a.status.owned(),
            versions,
            vcs_repo: VcsRepo::from_view(&a.vcs_repo.0),
            organization: rel.organization.id().map(str::to_owned),
        })
    }

    /// `namespace/name/provider`: the module path people write in `source`.
    pub fn path(&self) -> String {
        format!("{}/{}/{}", self.namespace, self.name, self.provider)
    }

    /// The newest usable version: the newest `ok` release, else the newest `ok` pre-release
    /// (the rule is [`crate::catalog::upgrade`]'s, which also decides which instances are behind).
    pub fn latest_usable_version(&self) -> Option<&str> {
        crate::catalog::upgrade::newest_usable(&self.versions)
    }
}

/// Inputs of a module version, from the registry protocol's details document
/// (`GET /api/registry/v1/modules/:namespace/:name/:provider[/:version]`, not JSON:API).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleDetails {
    /// `namespace/name/provider`.
    pub path: String,
    /// The version described.
    pub version: Option<String>,
    /// Names of the inputs without a default (`required: true`).
    pub required_inputs: Vec<String>,
}

impl ModuleDetails {
    /// Reads a details document, or `None` when `root` is not one (no `root.inputs`).
    pub fn from_json(root: &Value) -> Option<Self> {
        let inputs = root.get("root")?.get("inputs")?.as_array()?;
        let (namespace, name, provider) =
            (root.get("namespace")?.as_str()?, root.get("name")?.as_str()?, root.get("provider")?.as_str()?);
        let mut required_inputs: Vec<String> = inputs
            .iter()
            .filter(|i| i.get("required").and_then(Value::as_bool) == Some(true))
            .filter_map(|i| i.get("name")?.as_str().map(str::to_owned))
            .collect();
        required_inputs.sort();
        Some(ModuleDetails {
            path: format!("{namespace}/{name}/{provider}"),
            version: root.get("version").and_then(Value::as_str).map(str::to_owned),
            required_inputs,
        })
    }
}
