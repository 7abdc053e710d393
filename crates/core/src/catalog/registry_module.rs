//! Private registry module → blueprint template: a `Component` (`spec.type: terraform-blueprint`)
//! annotated `terraform.io/template: "true"`.

use super::annotations as a;
use super::entity::{Entity, Link, Metadata, Spec};
use super::{OrgContext, naming};
use crate::tfe::{ModuleDetails, RegistryModule};

/// `spec.type` of blueprint templates.
pub const BLUEPRINT_TYPE: &str = "terraform-blueprint";

/// The module's page in the TFE registry UI.
pub fn module_url(m: &RegistryModule, org: &OrgContext) -> String {
    format!(
        "{}/app/{}/registry/modules/{}/{}/{}/{}",
        org.base_url, org.organization, m.registry_name, m.namespace, m.name, m.provider
    )
}

/// The entity name of a module: `<name>-<provider>` for the organization's own private modules,
/// `<namespace>-<name>-<provider>` otherwise (`/` is not allowed in names).
pub fn module_entity_name(m: &RegistryModule, org: &OrgContext) -> String {
    if m.namespace == org.organization && m.registry_name == "private" {
        naming::entity_name(&format!("{}-{}", m.name, m.provider))
    } else {
        naming::entity_name(&format!("{}-{}-{}", m.namespace, m.name, m.provider))
    }
}

/// Maps one module; `details` adds the required inputs when the registry exposed them.
pub fn module_entity(m: &RegistryModule, details: Option<&ModuleDetails>, org: &OrgContext) -> Entity {
    let url = module_url(m, org);
    let version = m.latest_usable_version();
    let mut annotations = super::entity::Annotations::new();
    let mut put = |k: &'static str, v: &str| {
        annotations.insert(k.into(), v.to_owned());
    };
    put(a::TEMPLATE, "true");
    put(a::ORGANIZATION, &org.organization);
    put(a::MODULE_ID, &m.id);
    put(a::MODULE_PATH, &m.path());
    put(a::REGISTRY_NAME, &m.registry_name);
    put(a::MANAGED_BY_LOCATION, &format!("url:{url}"));
    put(a::MANAGED_BY_ORIGIN_LOCATION, &format!("url:{url}"));
    put(a::VIEW_URL, &url);
    if let Some(status) = &m.status {
        put(a::MODULE_STATUS, status);
    }
    if let Some(version) = version {
        put(a::MODULE_VERSION, version);
    }
    if let Some(details) = details {
        put(a::MODULE_INPUTS_REQUIRED, &details.required_inputs.join(","));
    }
    let mut links = vec![Link {
        url: url.clone(),
        title: "Terraform registry".into(),
        icon: Some("catalog".into()),
        link_type: Some("terraform-module".into()),
    }];
    if let Some(repo) =
        m.vcs_repo.as_ref().and_then(|r| r.repository_http_url.as_ref()).filter(|u| crate::origin::is_web_url(u))
    {
        put(a::SOURCE_LOCATION, &format!("url:{}/", repo.trim_end_matches('/')));
        links.push(Link {
            url: repo.clone(),
            title: "Source repository".into(),
            icon: Some("github".into()).filter(|_| repo.contains("github")),
            link_type: Some("source".into()),
        });
    }
    if let Some(identifier) = m.vcs_repo.as_ref().and_then(|r| r.identifier.as_ref()) {
        put(a::VCS_REPO, identifier);
    }
    Entity {
        api_version: "backstage.io/v1alpha1".to_owned(),
        kind: "Component".to_owned(),
        metadata: Metadata {
            name: module_entity_name(m, org),
            namespace: org.namespace.clone(),
            title: Some(m.path()),
            description: Some(format!("Terraform blueprint {} ({})", m.path(), version.unwrap_or("no usable version"))),
            tags: vec!["terraform".to_owned(), "blueprint".to_owned()],
            annotations,
            links,
        },
        spec: Spec {
            entity_type: Some(BLUEPRINT_TYPE.to_owned()),
            lifecycle: Some(lifecycle(m).to_owned()),
            owner: org.default_owner.clone(),
            ..Spec::default()
        },
    }
}

/// `production` once a version is usable, `experimental` before.
fn lifecycle(m: &RegistryModule) -> &'static str {
    if m.latest_usable_version().is_some() { "production" } else { "experimental" }
}
