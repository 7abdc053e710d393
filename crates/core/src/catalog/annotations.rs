//! Annotation keys. `terraform.io/*` are this product's; `terraform/*` are the community keys the
//! GlobalLogic Terraform plugin reads, emitted too so that existing frontends work unchanged.

/// The TFE organization name.
pub const ORGANIZATION: &str = "terraform.io/organization";
/// The workspace id (`ws-…`): the stable key.
pub const WORKSPACE_ID: &str = "terraform.io/workspace-id";
/// The workspace name as in TFE (the entity name may differ).
pub const WORKSPACE_NAME: &str = "terraform.io/workspace-name";
/// Every TFE tag, verbatim and comma-separated, so that tags Backstage cannot hold are not lost.
pub const TAG_NAMES: &str = "terraform.io/tag-names";
/// `execution-mode`.
pub const EXECUTION_MODE: &str = "terraform.io/execution-mode";
/// `terraform-version`.
pub const TERRAFORM_VERSION: &str = "terraform.io/terraform-version";
/// `vcs-repo.identifier`.
pub const VCS_REPO: &str = "terraform.io/vcs-repo";
/// The current run's id.
pub const RUN_ID: &str = "terraform.io/run-id";
/// The current run's raw API status.
pub const RUN_STATUS: &str = "terraform.io/run-status";
/// The current run's [`crate::StatusBucket`].
pub const RUN_STATUS_BUCKET: &str = "terraform.io/run-status-bucket";
/// When the current run reached its status.
pub const RUN_UPDATED_AT: &str = "terraform.io/run-updated-at";
/// When the current run was created: what orders two runs of one workspace.
pub const RUN_CREATED_AT: &str = "terraform.io/run-created-at";

/// Community key: organization.
pub const COMMUNITY_ORGANIZATION: &str = "terraform/organization";
/// Community key: one workspace name.
pub const COMMUNITY_WORKSPACE: &str = "terraform/workspace";
/// Community key: comma-separated workspace names.
pub const COMMUNITY_WORKSPACES: &str = "terraform/workspaces";
/// On a service: why a workspace it names could not be linked (one line per selector), set by the
/// catalog processor from the core's warnings.
pub const WARNINGS: &str = "terraform.io/warnings";

/// Backstage: where the entity comes from. Required for provider entities to be stitched.
pub const MANAGED_BY_LOCATION: &str = "backstage.io/managed-by-location";
/// Backstage: the origin location.
pub const MANAGED_BY_ORIGIN_LOCATION: &str = "backstage.io/managed-by-origin-location";
/// Backstage: "view" button.
pub const VIEW_URL: &str = "backstage.io/view-url";
/// Backstage: where the source is (`url:<repo>/`).
pub const SOURCE_LOCATION: &str = "backstage.io/source-location";
/// GitHub: `owner/repo`.
pub const GITHUB_PROJECT_SLUG: &str = "github.com/project-slug";

/// The project id (`prj-…`).
pub const PROJECT_ID: &str = "terraform.io/project-id";
/// The project name as in TFE.
pub const PROJECT_NAME: &str = "terraform.io/project-name";

/// `"true"` on blueprint templates (registry modules).
pub const TEMPLATE: &str = "terraform.io/template";
/// The registry module id (`mod-…`).
pub const MODULE_ID: &str = "terraform.io/module-id";
/// `namespace/name/provider`.
pub const MODULE_PATH: &str = "terraform.io/module-path";
/// `private` or `public`.
pub const REGISTRY_NAME: &str = "terraform.io/registry-name";
/// The module's status (`setup_complete`, ...).
pub const MODULE_STATUS: &str = "terraform.io/module-status";
/// The newest version whose status is `ok`.
pub const MODULE_VERSION: &str = "terraform.io/module-version";
/// Required inputs, comma-separated, when the registry exposed them.
pub const MODULE_INPUTS_REQUIRED: &str = "terraform.io/module-inputs-required";

/// On an instance: the template's module path.
pub const BLUEPRINT: &str = "terraform.io/blueprint";
/// On an instance: the template version it was made from, when known.
pub const BLUEPRINT_VERSION: &str = "terraform.io/blueprint-version";
/// On an instance: the template version it could move to (see [`super::upgrade`]).
pub const BLUEPRINT_LATEST_VERSION: &str = "terraform.io/blueprint-latest-version";
/// On an instance, and on the services running on it: `"true"` when behind its template's
/// newest usable version (`"false"` on an instance known to be current).
pub const BLUEPRINT_OUTDATED: &str = "terraform.io/blueprint-outdated";
/// On a template: how many of its instances are behind its newest usable version.
pub const BLUEPRINT_INSTANCES_BEHIND: &str = "terraform.io/blueprint-instances-behind";
/// On a service: its workspaces' blueprint upgrades, `path x → y`, comma-separated.
pub const BLUEPRINT_UPGRADES: &str = "terraform.io/blueprint-upgrades";

/// On a service or a System: the worst current run bucket of its workspaces (see
/// [`crate::health`]).
pub const HEALTH: &str = "terraform.io/health";
/// On a service or a System: `"true"` when one of its workspaces drifted at its last assessment.
pub const DRIFTED: &str = "terraform.io/drifted";

/// The health assessment's state (`drifted`, `checks-failed`, `assessment-failed`).
pub const DRIFT_STATE: &str = "terraform.io/drift-state";
/// Resources drifted at the last assessment.
pub const DRIFT_RESOURCES: &str = "terraform.io/drift-resources";
/// When the last assessment ran.
pub const DRIFT_ASSESSED_AT: &str = "terraform.io/drift-assessed-at";
/// Resources not drifted at the last assessment.
pub const DRIFT_RESOURCES_UNDRIFTED: &str = "terraform.io/drift-resources-undrifted";
/// Continuous-validation checks failed at the last assessment.
pub const DRIFT_CHECKS_FAILED: &str = "terraform.io/drift-checks-failed";
/// Continuous-validation checks passed at the last assessment.
pub const DRIFT_CHECKS_PASSED: &str = "terraform.io/drift-checks-passed";
/// Continuous-validation checks whose result is unknown at the last assessment.
pub const DRIFT_CHECKS_UNKNOWN: &str = "terraform.io/drift-checks-unknown";

/// `resource-count`: resources in the workspace's current state.
pub const RESOURCE_COUNT: &str = "terraform.io/resource-count";
/// `"true"` or `"false"`: whether the workspace is locked.
pub const LOCKED: &str = "terraform.io/locked";
/// Who holds the lock: a username, a team name, or a run id (`locked-by`).
pub const LOCKED_BY: &str = "terraform.io/locked-by";
/// `latest-change-at`: when the workspace's state or settings last changed.
pub const LATEST_CHANGE_AT: &str = "terraform.io/latest-change-at";
/// `"true"` or `"false"`: whether health assessments (drift detection) are on.
pub const ASSESSMENTS_ENABLED: &str = "terraform.io/assessments-enabled";
/// Outputs of the current state (their values are served by the status route, never annotated).
pub const OUTPUT_COUNT: &str = "terraform.io/output-count";
/// Of those, the sensitive ones (only their names leave TFE).
pub const OUTPUT_SENSITIVE_COUNT: &str = "terraform.io/output-sensitive-count";
/// Who triggered the current run: the VCS user, else the TFE user who created it.
pub const RUN_TRIGGERED_BY: &str = "terraform.io/run-triggered-by";
/// The commit the current run ran.
pub const RUN_COMMIT_SHA: &str = "terraform.io/run-commit-sha";
/// The branch of that commit.
pub const RUN_BRANCH: &str = "terraform.io/run-branch";
/// The pull request (its number) that made the current run, for a speculative plan of one.
pub const RUN_PULL_REQUEST: &str = "terraform.io/run-pull-request";

/// The annotations that describe the current run's trigger: rendered with the run they belong to.
pub const RUN_TRIGGER_KEYS: [&str; 4] = [RUN_TRIGGERED_BY, RUN_COMMIT_SHA, RUN_BRANCH, RUN_PULL_REQUEST];

/// Every key above by a camelCase name (`workspaceId` → `terraform.io/workspace-id`): what the
/// bindings export, so that JavaScript never retypes a key.
pub fn all() -> [(&'static str, &'static str); 56] {
    [
        ("organization", ORGANIZATION),
        ("workspaceId", WORKSPACE_ID),
        ("workspaceName", WORKSPACE_NAME),
        ("tagNames", TAG_NAMES),
        ("executionMode", EXECUTION_MODE),
        ("terraformVersion", TERRAFORM_VERSION),
        ("vcsRepo", VCS_REPO),
        ("runId", RUN_ID),
        ("runStatus", RUN_STATUS),
        ("runStatusBucket", RUN_STATUS_BUCKET),
        ("runUpdatedAt", RUN_UPDATED_AT),
        ("runCreatedAt", RUN_CREATED_AT),
        ("communityOrganization", COMMUNITY_ORGANIZATION),
        ("communityWorkspace", COMMUNITY_WORKSPACE),
        ("communityWorkspaces", COMMUNITY_WORKSPACES),
        ("warnings", WARNINGS),
        ("managedByLocation", MANAGED_BY_LOCATION),
        ("managedByOriginLocation", MANAGED_BY_ORIGIN_LOCATION),
        ("viewUrl", VIEW_URL),
        ("sourceLocation", SOURCE_LOCATION),
        ("githubProjectSlug", GITHUB_PROJECT_SLUG),
        ("projectId", PROJECT_ID),
        ("projectName", PROJECT_NAME),
        ("template", TEMPLATE),
        ("moduleId", MODULE_ID),
        ("modulePath", MODULE_PATH),
        ("registryName", REGISTRY_NAME),
        ("moduleStatus", MODULE_STATUS),
        ("moduleVersion", MODULE_VERSION),
        ("moduleInputsRequired", MODULE_INPUTS_REQUIRED),
        ("blueprint", BLUEPRINT),
        ("blueprintVersion", BLUEPRINT_VERSION),
        ("blueprintLatestVersion", BLUEPRINT_LATEST_VERSION),
        ("blueprintOutdated", BLUEPRINT_OUTDATED),
        ("blueprintInstancesBehind", BLUEPRINT_INSTANCES_BEHIND),
        ("blueprintUpgrades", BLUEPRINT_UPGRADES),
        ("health", HEALTH),
        ("drifted", DRIFTED),
        ("driftState", DRIFT_STATE),
        ("driftResources", DRIFT_RESOURCES),
        ("driftAssessedAt", DRIFT_ASSESSED_AT),
        ("driftResourcesUndrifted", DRIFT_RESOURCES_UNDRIFTED),
        ("driftChecksFailed", DRIFT_CHECKS_FAILED),
        ("driftChecksPassed", DRIFT_CHECKS_PASSED),
        ("driftChecksUnknown", DRIFT_CHECKS_UNKNOWN),
        ("resourceCount", RESOURCE_COUNT),
        ("locked", LOCKED),
        ("lockedBy", LOCKED_BY),
        ("latestChangeAt", LATEST_CHANGE_AT),
        ("assessmentsEnabled", ASSESSMENTS_ENABLED),
        ("outputCount", OUTPUT_COUNT),
        ("outputSensitiveCount", OUTPUT_SENSITIVE_COUNT),
        ("runTriggeredBy", RUN_TRIGGERED_BY),
        ("runCommitSha", RUN_COMMIT_SHA),
        ("runBranch", RUN_BRANCH),
        ("runPullRequest", RUN_PULL_REQUEST),
    ]
}
