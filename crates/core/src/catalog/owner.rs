//! Owner rules, first match wins:
//!
//! 1. a TFE tag `<ownerTagKey>:<owner>` or `<ownerTagKey>=<owner>` on the workspace (key `owner`
//!    by default; the value is an owner ref, `team-a` meaning `group:default/team-a`);
//! 2. the workspace's project in `projectOwners` (keyed by project id or project name);
//! 3. `defaultOwner`.
//!
//! A tag whose value is not a valid ref is skipped, so the result is always a valid owner ref.

use super::{OrgContext, naming};
use crate::tfe::Project;

/// The value of a `key:value` or `key=value` TFE tag whose key is `key` (case-insensitive).
pub fn tag_value<'a>(tags: &'a [String], key: &str) -> Option<&'a str> {
    tags.iter().find_map(|t| {
        let (k, v) = t.split_once([':', '='])?;
        (k.eq_ignore_ascii_case(key) && !v.is_empty()).then_some(v)
    })
}

/// The owner of a workspace (or, with no tags, of a project).
pub fn owner(tags: &[String], project: Option<&Project>, org: &OrgContext) -> String {
    if let Some(owner) = tag_value(tags, &org.owner_tag_key).and_then(|v| naming::owner_ref(v).ok()) {
        return owner;
    }
    project
        .and_then(|p| org.project_owners.get(&p.id).or_else(|| org.project_owners.get(&p.name)))
        .cloned()
        .unwrap_or_else(|| org.default_owner.clone())
}
