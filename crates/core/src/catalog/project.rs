//! Project → `System`.

use super::annotations as a;
use super::entity::{Entity, Link, Metadata, Spec};
use super::{OrgContext, naming, owner};
use crate::tfe::Project;

/// `spec.type` of project Systems.
pub const PROJECT_TYPE: &str = "terraform-project";

/// The project's page in the TFE UI.
pub fn project_url(project: &Project, org: &OrgContext) -> String {
    format!("{}/app/{}/projects/{}", org.base_url, org.organization, project.id)
}

/// Maps one project. Its name is the slug of the project name (`Default Project` →
/// `default-project`); collisions are resolved by project id afterwards.
pub fn project_entity(project: &Project, org: &OrgContext) -> Entity {
    let url = project_url(project, org);
    let slug = naming::slug(&project.name);
    let name = if slug.is_empty() { naming::entity_name(&project.name) } else { naming::entity_name(&slug) };
    let annotations = super::entity::Annotations::from_iter([
        (a::ORGANIZATION.into(), org.organization.clone()),
        (a::PROJECT_ID.into(), project.id.clone()),
        (a::PROJECT_NAME.into(), project.name.clone()),
        (a::MANAGED_BY_LOCATION.into(), format!("url:{url}")),
        (a::MANAGED_BY_ORIGIN_LOCATION.into(), format!("url:{url}")),
        (a::VIEW_URL.into(), url.clone()),
    ]);
    Entity {
        api_version: "backstage.io/v1alpha1".to_owned(),
        kind: "System".to_owned(),
        metadata: Metadata {
            name,
            namespace: org.namespace.clone(),
            title: Some(project.name.clone()),
            description: project.description.clone(),
            tags: Vec::new(),
            annotations,
            links: vec![Link {
                url,
                title: "Terraform project".into(),
                icon: Some("dashboard".into()),
                link_type: Some("terraform-project".into()),
            }],
        },
        spec: Spec {
            entity_type: Some(PROJECT_TYPE.to_owned()),
            owner: owner::owner(&[], Some(project), org),
            ..Spec::default()
        },
    }
}
