//! Which blueprint (registry module) a workspace instantiates. Two sources, first match wins:
//!
//! 1. What TFE records for no-code workspaces: `source-url` pointing at a registry module page
//!    (`…/registry/modules/<registry>/<namespace>/<name>/<provider>[/<version>]`), or `source-name`
//!    naming the module (`name`, `name-provider` or `namespace/name/provider`).
//! 2. A TFE tag `<blueprintTagKey>:<module>` or `<blueprintTagKey>=<module>` (key `blueprint` by
//!    default), the module named as above, with an optional `@<version>`.

use std::collections::BTreeMap;

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
pub fn blueprint_of(ws: &Workspace, modules: &ModuleIndex, org: &OrgContext) -> Option<BlueprintLink> {
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

fn from_registry_url(url: &str, modules: &ModuleIndex) -> Option<BlueprintLink> {
    let tail = url.split("/registry/modules/").nth(1)?;
    let parts: Vec<&str> = tail.split(['/', '?', '#']).collect();
    let [_registry, namespace, name, provider, rest @ ..] = parts.as_slice() else {
        return None;
    };
    let module = *modules.by_address.get(&format!("{namespace}/{name}/{provider}"))?;
    let version = rest.first().filter(|v| !v.is_empty()).map(|v| (*v).to_owned());
    Some(BlueprintLink { module, version })
}

fn find(name: &str, modules: &ModuleIndex) -> Option<usize> {
    modules.by_name.get(&name.trim().to_ascii_lowercase()).copied()
}

/// The registry modules, indexed once by every way a workspace can name one, so that linking a
/// workspace is a lookup, not a scan of every module (an organization of 50,000 workspaces and
/// 1,000 modules would otherwise compare 50 million names).
#[derive(Debug, Clone, Default)]
pub struct ModuleIndex {
    /// `namespace/name/provider`, `name-provider` and `name`, lower-cased → the first module
    /// (in the order given) named so in any of the three ways.
    by_name: BTreeMap<String, usize>,
    /// `namespace/name/provider`, exactly → the first module with that address.
    by_address: BTreeMap<String, usize>,
}

impl ModuleIndex {
    /// Indexes `modules`; links name modules by their place in this slice.
    pub fn new(modules: &[RegistryModule]) -> Self {
        let mut index = ModuleIndex::default();
        for (i, m) in modules.iter().enumerate() {
            index.by_address.entry(m.path()).or_insert(i);
            for name in [m.path(), format!("{}-{}", m.name, m.provider), m.name.clone()] {
                index.by_name.entry(name.to_ascii_lowercase()).or_insert(i);
            }
        }
        index
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    fn module(namespace: &str, name: &str, provider: &str) -> RegistryModule {
        let doc = serde_json::json!({"data": {"id": format!("mod-{name}-{provider}"), "type": "registry-modules",
            "attributes": {"name": name, "namespace": namespace, "provider": provider, "registry-name": "private"}}});
        let doc = crate::tfe::parse_document("module", &doc.to_string()).unwrap();
        RegistryModule::from_resource("module", &doc.data[0]).unwrap()
    }

    #[test]
    fn a_name_finds_the_first_module_it_names_in_any_of_the_three_ways() {
        let modules = [module("acme", "vpc", "aws"), module("acme", "vpc", "gcp"), module("acme", "vpc-aws", "azure")];
        let index = ModuleIndex::new(&modules);
        assert_eq!(find("vpc", &index), Some(0), "by name: the first of two");
        assert_eq!(find(" ACME/vpc/GCP ", &index), Some(1), "by path, any case, trimmed");
        assert_eq!(find("vpc-aws", &index), Some(0), "name-provider of the first, before the third's name");
        assert_eq!(find("vpc-aws-azure", &index), Some(2));
        assert_eq!(find("subnet", &index), None);
        let url = "https://app.terraform.io/app/acme/registry/modules/private/acme/vpc/gcp/1.2.0";
        assert_eq!(from_registry_url(url, &index), Some(BlueprintLink { module: 1, version: Some("1.2.0".into()) }));
        let other_case = "https://app.terraform.io/app/acme/registry/modules/private/ACME/vpc/gcp";
        assert_eq!(from_registry_url(other_case, &index), None, "a registry address is matched exactly");
    }
}
