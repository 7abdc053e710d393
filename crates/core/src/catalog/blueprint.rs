//! Which blueprint (registry module) a workspace instantiates. Two sources, first match wins:
//!
//! 1. What TFE records for no-code workspaces: `source-url` pointing at a registry module page
//!    (`…/registry/modules/<registry>/<namespace>/<name>/<provider>[/<version>]`), or `source-name`
//!    naming the module (`name`, `name-provider` or `namespace/name/provider`).
//! 2. A TFE tag `<blueprintTagKey>:<module>` or `<blueprintTagKey>=<module>` (key `blueprint` by
//!    default), the module named as above, with an optional `@<version>`.

use super::OrgContext;
use super::owner::tag_value;
use crate::tfe::{RegistryModule, Workspace};

/// A workspace's link to its template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlueprintLink {
    /// Index into the modules given to [`blueprint_of`].
    pub module: usize,
    /// The version instantiated, when known.
    pub version: Option<String>,
}

/// The blueprint of `ws` among `modules`, if any.
pub fn blueprint_of(ws: &Workspace, modules: &[RegistryModule], org: &OrgContext) -> Option<BlueprintLink> {
    if let Some(url) = &ws.source_url {
        if let Some(link) = from_registry_url(url, modules) {
            return Some(link);
        }
    }
    if let Some(name) = &ws.source_name {
        if let Some(module) = find(name, modules) {
            return Some(BlueprintLink { module, version: None });
        }
    }
    let value = tag_value(&ws.tag_names, &org.blueprint_tag_key)?;
    let (name, version) = value.split_once('@').map_or((value, None), |(n, v)| (n, Some(v.to_owned())));
    find(name, modules).map(|module| BlueprintLink { module, version })
}

fn from_registry_url(url: &str, modules: &[RegistryModule]) -> Option<BlueprintLink> {
    let tail = url.split("/registry/modules/").nth(1)?;
    let parts: Vec<&str> = tail.split(['/', '?', '#']).collect();
    let [_registry, namespace, name, provider, rest @ ..] = parts.as_slice() else {
        return None;
    };
    let module =
        modules.iter().position(|m| m.namespace == *namespace && m.name == *name && m.provider == *provider)?;
    let version = rest.first().filter(|v| !v.is_empty()).map(|v| (*v).to_owned());
    Some(BlueprintLink { module, version })
}

fn find(name: &str, modules: &[RegistryModule]) -> Option<usize> {
    let name = name.trim();
    modules.iter().position(|m| {
        name.eq_ignore_ascii_case(&m.path())
            || name.eq_ignore_ascii_case(&format!("{}-{}", m.name, m.provider))
            || name.eq_ignore_ascii_case(&m.name)
    })
}
