//! A TFE workspace (`type: workspaces`), as far as the catalog needs it.

use serde_json::Value;

use super::jsonapi::Resource;
use super::lenient::{Count, Flag, List, Text, ToMany, ToOne, object};
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
    /// `latest-change-at`: when the workspace's state or settings last changed.
    pub latest_change_at: Option<String>,
    /// Who holds the lock (`relationships.locked-by`): a user, a run or a team.
    pub locked_by: Option<LockHolder>,
    /// The ids `relationships.outputs` lists (`None` when TFE sent no such relationship).
    pub output_ids: Option<Vec<String>>,
    /// The current state's outputs, when the document included every one it lists.
    pub outputs: Option<Vec<super::Output>>,
}

/// Who holds a workspace's lock, as `locked-by` points at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    /// `users`, `runs` or `teams`.
    pub kind: String,
    /// Its id (`user-…`, `run-…`, `team-…`).
    pub id: String,
    /// Its name, when the listing included it (`include=locked_by`): a username or a team name.
    pub name: Option<String>,
}

impl LockHolder {
    /// What people call the holder: its name when known, else its id.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
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

    /// From the typed view; `None` when `vcs-repo` is not an object.
    pub(crate) fn from_view(repo: &Option<VcsRepoView<'_>>) -> Option<Self> {
        repo.as_ref().map(|r| VcsRepo {
            identifier: r.identifier.owned(),
            repository_http_url: r.repository_http_url.owned(),
            branch: r.branch.owned(),
            service_provider: r.service_provider.owned(),
        })
    }
}

object! {
    /// `vcs-repo`, as read.
    pub(crate) struct VcsRepoView<'a> {
        "identifier" => identifier: Text<'a>,
        "repository-http-url" => repository_http_url: Text<'a>,
        "branch" => branch: Text<'a>,
        "service-provider" => service_provider: Text<'a>,
    }
}

/// An object member that may be anything else: `Some` only for an object.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ObjectOr<T>(pub Option<T>);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for ObjectOr<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Objects are read by `T`; anything else is skipped. `RawValue` tells the two apart
        // without building a tree.
        let raw = <&serde_json::value::RawValue>::deserialize(d)?;
        Ok(ObjectOr(if raw.get().starts_with('{') { serde_json::from_str(raw.get()).ok() } else { None }))
    }
}

object! {
    /// The attributes of a workspace the catalog reads.
    struct Attributes<'a> {
        "name" => name: Text<'a>,
        "description" => description: Text<'a>,
        "tag-names" => tag_names: List<Text<'a>>,
        "execution-mode" => execution_mode: Text<'a>,
        "terraform-version" => terraform_version: Text<'a>,
        "auto-apply" => auto_apply: Flag,
        "resource-count" => resource_count: Count<false>,
        "locked" => locked: Flag,
        "assessments-enabled" => assessments_enabled: Flag,
        "last-assessment-result-at" => last_assessment_result_at: Text<'a>,
        "vcs-repo" => vcs_repo: ObjectOr<VcsRepoView<'a>>,
        "working-directory" => working_directory: Text<'a>,
        "source" => source: Text<'a>,
        "source-name" => source_name: Text<'a>,
        "source-url" => source_url: Text<'a>,
        "latest-change-at" => latest_change_at: Text<'a>,
    }
}

object! {
    /// The relationships of a workspace the catalog reads.
    struct Relationships<'a> {
        "organization" => organization: ToOne<'a>,
        "project" => project: ToOne<'a>,
        "current-run" => current_run: ToOne<'a>,
        "latest-run" => latest_run: ToOne<'a>,
        "locked-by" => locked_by: LockedBy<'a>,
        "outputs" => outputs: ToMany<'a>,
    }
}

object! {
    /// `locked-by`: a to-one relationship whose target may be of several types.
    struct LockedBy<'a> {
        "data" => data: LockTarget<'a>,
    }
}

object! {
    /// The target of `locked-by`.
    struct LockTarget<'a> {
        "id" => id: Text<'a>,
        "type" => kind: Text<'a>,
    }
}

object! {
    /// The links of a workspace the catalog reads.
    struct Links<'a> {
        "self-html" => self_html: Text<'a>,
    }
}

impl Workspace {
    /// Reads a workspace from a `workspaces` resource.
    pub fn from_resource(document: &str, r: &Resource) -> Result<Self, ParseError> {
        let a: Attributes = r.attributes.view();
        let rel: Relationships = r.relationships.view();
        let links: Links = r.links.view();
        let name = a.name.non_empty().ok_or_else(|| ParseError::BadResource {
            document: document.to_owned(),
            resource: format!("workspaces/{}", r.id),
            reason: "attribute `name` is missing or not a non-empty string".to_owned(),
        })?;
        Ok(Workspace {
            id: r.id.clone(),
            name: name.to_owned(),
            organization: rel.organization.id().map(str::to_owned),
            description: a.description.owned(),
            tag_names: a.tag_names.0.iter().filter_map(Text::owned).collect(),
            execution_mode: a.execution_mode.owned(),
            terraform_version: a.terraform_version.owned(),
            auto_apply: a.auto_apply.0,
            resource_count: a.resource_count.0,
            locked: a.locked.0,
            assessments_enabled: a.assessments_enabled.0,
            last_assessment_result_at: a.last_assessment_result_at.owned(),
            vcs_repo: VcsRepo::from_view(&a.vcs_repo.0),
            working_directory: a.working_directory.owned(),
            source: a.source.owned(),
            source_name: a.source_name.owned(),
            source_url: a.source_url.owned(),
            project_id: rel.project.id().map(str::to_owned),
            current_run_id: rel.current_run.id().or_else(|| rel.latest_run.id()).map(str::to_owned),
            self_html: links.self_html.get().map(str::to_owned),
            latest_change_at: a.latest_change_at.owned(),
            locked_by: rel.locked_by.data.id.owned().map(|id| LockHolder {
                kind: rel.locked_by.data.kind.owned().unwrap_or_default(),
                id,
                name: None,
            }),
            output_ids: rel.outputs.ids(),
            outputs: None,
        })
    }
}
