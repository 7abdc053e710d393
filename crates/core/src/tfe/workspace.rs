//! A TFE workspace (`type: workspaces`), as far as the catalog needs it.

use serde_json::Value;

use super::jsonapi::Resource;
use crate::error::ParseError;

/// A workspace. Only `id` and `name` are required; everything else is optional because older TFE
/// versions lack `project` and `tag-names`, and any field may be `null`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// `ws-…`: the stable key (names can change).
    pub id: String,
    /// The workspace name, unique per organization.
    pub name: String,
    /// The organization name from `relationships.organization.data.id`, when present.
    pub organization: Option<String>,
    /// Free text; `null` in TFE when unset.
    pub description: Option<String>,
    /// Flat tags (`tag-names`), in TFE's order.
    pub tag_names: Vec<String>,
    /// `execution-mode`: `remote`, `agent` or `local`.
    pub execution_mode: Option<String>,
    /// `terraform-version`.
    pub terraform_version: Option<String>,
    /// `auto-apply`: decides whether a `planned` run waits for a person.
    pub auto_apply: Option<bool>,
    /// `resource-count`.
    pub resource_count: Option<u64>,
    /// `locked`.
    pub locked: Option<bool>,
    /// The connected VCS repository, when any.
    pub vcs_repo: Option<VcsRepo>,
    /// `working-directory` inside the repository.
    pub working_directory: Option<String>,
    /// `source`, `source-name`, `source-url` (no-code and module-created workspaces).
    pub source: Option<String>,
    /// `source-name`.
    pub source_name: Option<String>,
    /// `source-url`.
    pub source_url: Option<String>,
    /// `relationships.project.data.id` (`prj-…`).
    pub project_id: Option<String>,
    /// `relationships.current-run.data.id` (or the deprecated `latest-run`).
    pub current_run_id: Option<String>,
    /// Health assessments (drift detection, continuous validation) are on.
    pub assessments_enabled: Option<bool>,
    /// When the latest health assessment result was recorded.
    pub last_assessment_result_at: Option<String>,
    /// `links.self-html`: the UI path, relative to the TFE host.
    pub self_html: Option<String>,
}

/// `vcs-repo` of a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VcsRepo {
    /// `identifier`, e.g. `acme/network`.
    pub identifier: Option<String>,
    /// `repository-http-url`, e.g. `https://github.com/acme/network`.
    pub repository_http_url: Option<String>,
    /// `branch`; empty means the default branch.
    pub branch: Option<String>,
    /// `service-provider`, e.g. `github`, `gitlab_hosted`.
    pub service_provider: Option<String>,
}

impl VcsRepo {
    /// Reads a `vcs-repo` object (workspaces and registry modules share its shape).
    pub fn from_object(repo: &serde_json::Map<String, Value>) -> Self {
        let field = |key: &str| repo.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned);
        VcsRepo {
            identifier: field("identifier"),
            repository_http_url: field("repository-http-url"),
            branch: field("branch"),
            service_provider: field("service-provider"),
        }
    }
}

impl Workspace {
    /// Reads a workspace from a `workspaces` resource.
    pub fn from_resource(document: &str, r: &Resource) -> Result<Self, ParseError> {
        let name = r.attr_text("name").ok_or_else(|| ParseError::BadResource {
            document: document.to_owned(),
            resource: format!("workspaces/{}", r.id),
            reason: "attribute `name` is missing or not a non-empty string".to_owned(),
        })?;
        let text = |key: &str| r.attr_text(key).map(str::to_owned);
        Ok(Workspace {
            id: r.id.clone(),
            name: name.to_owned(),
            organization: r.relationship_id("organization").map(str::to_owned),
            description: text("description"),
            tag_names: string_list(r.attributes.get("tag-names")),
            execution_mode: text("execution-mode"),
            terraform_version: text("terraform-version"),
            auto_apply: r.attr_bool("auto-apply"),
            resource_count: r.attributes.get("resource-count").and_then(Value::as_u64),
            locked: r.attr_bool("locked"),
            assessments_enabled: r.attr_bool("assessments-enabled"),
            last_assessment_result_at: text("last-assessment-result-at"),
            vcs_repo: r.attr_object("vcs-repo").map(VcsRepo::from_object),
            working_directory: text("working-directory"),
            source: text("source"),
            source_name: text("source-name"),
            source_url: text("source-url"),
            project_id: r.relationship_id("project").map(str::to_owned),
            current_run_id: r
                .relationship_id("current-run")
                .or_else(|| r.relationship_id("latest-run"))
                .map(str::to_owned),
            self_html: r.link("self-html").map(str::to_owned),
        })
    }
}

/// The strings of a JSON array; anything else (absent, `null`, non-strings) is dropped.
fn string_list(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}
