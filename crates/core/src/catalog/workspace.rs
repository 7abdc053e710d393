//! Workspace → `Resource` (`spec.type: terraform-workspace`).

use super::annotations as a;
use super::entity::{Entity, Link, Metadata, Spec};
use super::{OrgContext, naming};
use crate::status;
use crate::tfe::{Run, VcsRepo, Workspace};

/// The kind of a workspace's entity.
pub const KIND: &str = "Resource";

/// `spec.type` of workspace resources.
pub const WORKSPACE_TYPE: &str = "terraform-workspace";

/// What a workspace is linked to, decided from the whole organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceLinks {
    /// Full owner ref.
    pub owner: String,
    /// The project's `System` ref, when the project is known.
    pub system: Option<String>,
    /// The blueprint it instantiates.
    pub blueprint: Option<Blueprint>,
}

/// A workspace's blueprint template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blueprint {
    /// `component:<ns>/<name>` of the template.
    pub entity_ref: String,
    /// `namespace/name/provider`.
    pub path: String,
    /// The version instantiated, when known.
    pub version: Option<String>,
}

/// Maps one workspace and, when known, its current run.
pub fn workspace_entity(ws: &Workspace, run: Option<&Run>, links: &WorkspaceLinks, org: &OrgContext) -> Entity {
    let ws_url = workspace_url(ws, org);
    let mut annotations = super::entity::Annotations::new();
    let mut put = |k: &'static str, v: &str| {
        annotations.insert(k.into(), v.to_owned());
    };
    put(a::ORGANIZATION, &org.organization);
    put(a::WORKSPACE_ID, &ws.id);
    put(a::WORKSPACE_NAME, &ws.name);
    put(a::COMMUNITY_ORGANIZATION, &org.organization);
    put(a::COMMUNITY_WORKSPACE, &ws.name);
    put(a::MANAGED_BY_LOCATION, &format!("url:{ws_url}"));
    put(a::MANAGED_BY_ORIGIN_LOCATION, &format!("url:{ws_url}"));
    put(a::VIEW_URL, &ws_url);
    if !ws.tag_names.is_empty() {
        put(a::TAG_NAMES, &ws.tag_names.join(","));
    }
    if let Some(mode) = &ws.execution_mode {
        put(a::EXECUTION_MODE, mode);
    }
    if let Some(version) = &ws.terraform_version {
        put(a::TERRAFORM_VERSION, version);
    }
    if let Some(project_id) = &ws.project_id {
        put(a::PROJECT_ID, project_id);
    }
    put_workspace_facts(&mut put, ws);
    if let Some(blueprint) = &links.blueprint {
        put(a::BLUEPRINT, &blueprint.path);
        if let Some(version) = &blueprint.version {
            put(a::BLUEPRINT_VERSION, version);
        }
    }
    let ws_links = links;
    let mut links = vec![Link {
        url: ws_url.clone(),
        title: "Terraform workspace".into(),
        icon: Some("dashboard".into()),
        link_type: Some("terraform-workspace".into()),
    }];
    if let Some(repo) = &ws.vcs_repo {
        if let Some(identifier) = &repo.identifier {
            put(a::VCS_REPO, identifier);
            if repo.service_provider.as_deref().is_some_and(|p| p.starts_with("github")) {
                put(a::GITHUB_PROJECT_SLUG, identifier);
            }
        }
        if let Some(url) = repo.repository_http_url.as_ref().filter(|u| crate::origin::is_web_url(u)) {
            put(a::SOURCE_LOCATION, &source_location(url, repo, ws.working_directory.as_deref()));
            links.push(Link {
                url: url.clone(),
                title: "Source repository".into(),
                icon: Some("github".into()).filter(|_| url.contains("github")),
                link_type: Some("source".into()),
            });
        }
    }
    if let Some(run_id) = &ws.current_run_id {
        put(a::RUN_ID, run_id);
        links.push(Link {
            url: format!("{ws_url}/runs/{run_id}"),
            title: "Current Terraform run".into(),
            icon: Some("dashboard".into()),
            link_type: Some("terraform-run".into()),
        });
    }
    links.extend(super::output_links::links(ws.outputs.as_deref().unwrap_or_default(), &org.output_links));
    if let Some(run) = run {
        if let Some(trigger) = &run.trigger {
            put_trigger(&mut put, trigger);
        }
        let auto_apply = run.auto_apply.or(ws.auto_apply);
        put(a::RUN_STATUS, &run.status);
        put(a::RUN_STATUS_BUCKET, status::bucket(&run.status, auto_apply).as_str());
        if let Some(at) = run.status_changed_at() {
            put(a::RUN_UPDATED_AT, at);
        }
        if let Some(at) = &run.created_at {
            put(a::RUN_CREATED_AT, at);
        }
    }
    Entity {
        api_version: "backstage.io/v1alpha1".to_owned(),
        kind: KIND.to_owned(),
        metadata: Metadata {
            name: naming::entity_name(&ws.name),
            namespace: org.namespace.clone(),
            title: Some(ws.name.clone()),
            description: ws.description.clone(),
            tags: tags(&ws.tag_names),
            annotations,
            links,
        },
        spec: Spec {
            entity_type: Some(WORKSPACE_TYPE.to_owned()),
            owner: ws_links.owner.clone(),
            system: ws_links.system.clone(),
            depends_on: ws_links.blueprint.iter().map(|b| b.entity_ref.clone()).collect(),
            ..Spec::default()
        },
    }
}

/// The listing's facts about the workspace that cost nothing to show: size, lock, last change,
/// assessments, and how many outputs its state has.
fn put_workspace_facts(put: &mut impl FnMut(&'static str, &str), ws: &Workspace) {
    if let Some(count) = ws.resource_count {
        put(a::RESOURCE_COUNT, &count.to_string());
    }
    if let Some(locked) = ws.locked {
        put(a::LOCKED, if locked { "true" } else { "false" });
        if let Some(holder) = ws.locked_by.as_ref().filter(|_| locked) {
            put(a::LOCKED_BY, holder.label());
        }
    }
    if let Some(at) = &ws.latest_change_at {
        put(a::LATEST_CHANGE_AT, at);
    }
    if let Some(enabled) = ws.assessments_enabled {
        put(a::ASSESSMENTS_ENABLED, if enabled { "true" } else { "false" });
    }
    if let Some(outputs) = &ws.outputs {
        put(a::OUTPUT_COUNT, &outputs.len().to_string());
        put(a::OUTPUT_SENSITIVE_COUNT, &outputs.iter().filter(|o| o.sensitive).count().to_string());
    }
}

/// Who and what triggered the current run, as annotations (what the catalog can filter on).
pub fn put_trigger(put: &mut impl FnMut(&'static str, &str), trigger: &crate::tfe::Trigger) {
    for (key, value) in [
        (a::RUN_TRIGGERED_BY, trigger.by.clone()),
        (a::RUN_COMMIT_SHA, trigger.commit_sha.clone()),
        (a::RUN_BRANCH, trigger.branch.clone()),
        (a::RUN_PULL_REQUEST, trigger.pull_request_number.map(|n| n.to_string())),
    ] {
        if let Some(value) = value {
            put(key, &value);
        }
    }
}

/// The workspace's page in the TFE UI: `links.self-html` on the configured host, or the
/// documented `/app/<org>/workspaces/<name>` path when TFE did not send one.
fn workspace_url(ws: &Workspace, org: &OrgContext) -> String {
    match &ws.self_html {
        Some(path) if path.starts_with('/') => format!("{}{path}", org.base_url),
        _ => format!("{}/app/{}/workspaces/{}", org.base_url, org.organization, ws.name),
    }
}

/// `url:<repo>/` for the repository root, or `url:<repo>/tree/<branch>/<dir>/` for a workspace
/// that lives in a folder (the branch defaults to `HEAD`, the repository's default branch).
fn source_location(repo_url: &str, repo: &VcsRepo, working_directory: Option<&str>) -> String {
    let base = repo_url.trim_end_matches('/');
    match working_directory.map(|d| d.trim_matches('/')).filter(|d| !d.is_empty()) {
        Some(dir) => {
            let branch = repo.branch.as_deref().unwrap_or("HEAD");
            format!("url:{base}/tree/{branch}/{dir}/")
        }
        None => format!("url:{base}/"),
    }
}

/// Backstage tags for TFE tags: sanitized, de-duplicated, sorted. Tags with nothing left after
/// sanitizing are still in the `terraform.io/tag-names` annotation.
fn tags(tag_names: &[String]) -> Vec<String> {
    let mut tags: Vec<String> = tag_names.iter().filter_map(|t| naming::tag(t)).collect();
    tags.sort();
    tags.dedup();
    tags
}
