//! A TFE run (`type: runs`), as far as status display needs it.

use std::collections::BTreeMap;

use super::jsonapi::Resource;
use super::lenient::{Bool, Flag, StrMap, Text, ToOne, object};
use crate::error::ParseError;

/// A run. Only `id` and `status` are required; an unknown status is kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// `run-…`.
    pub id: String,
    /// The raw API status (`applied`, `errored`, or one this code has never heard of).
    pub status: String,
    /// `created-at`.
    pub created_at: Option<String>,
    /// `status-timestamps`: `<status-with-dashes>-at` → timestamp.
    pub status_timestamps: BTreeMap<String, String>,
    /// `message`.
    pub message: Option<String>,
    /// `source` (`tfe-ui`, `tfe-api`, `terraform+cloud`, ...).
    pub source: Option<String>,
    /// `trigger-reason`.
    pub trigger_reason: Option<String>,
    /// `is-destroy`.
    pub is_destroy: Option<bool>,
    /// `plan-only`.
    pub plan_only: Option<bool>,
    /// `has-changes`.
    pub has_changes: Option<bool>,
    /// `auto-apply` of the run, when TFE sends it.
    pub auto_apply: Option<bool>,
    /// `relationships.workspace.data.id`.
    pub workspace_id: Option<String>,
    /// `relationships.configuration-version.data.id`.
    pub configuration_version_id: Option<String>,
    /// Who and what triggered it, when the document included it.
    pub trigger: Option<super::Trigger>,
}

object! {
    /// The attributes of a run the catalog reads.
    struct Attributes<'a> {
        "status" => status: Text<'a>,
        "created-at" => created_at: Text<'a>,
        "status-timestamps" => status_timestamps: StrMap,
        "message" => message: Text<'a>,
        "source" => source: Text<'a>,
        "trigger-reason" => trigger_reason: Text<'a>,
        "is-destroy" => is_destroy: Flag,
        "plan-only" => plan_only: Flag,
        "has-changes" => has_changes: Flag,
        "auto-apply" => auto_apply: Bool,
    }
}

object! {
    /// The relationships of a run the catalog reads.
    struct Relationships<'a> {
        "workspace" => workspace: ToOne<'a>,
        "configuration-version" => configuration_version: ToOne<'a>,
    }
}

impl Run {
    /// Reads a run from a `runs` resource.
    pub fn from_resource(document: &str, r: &Resource) -> Result<Self, ParseError> {
        let a: Attributes = r.attributes.view();
        let rel: Relationships = r.relationships.view();
        let status = a.status.non_empty().ok_or_else(|| ParseError::BadResource {
            document: document.to_owned(),
            resource: format!("runs/{}", r.id),
            reason: "attribute `status` is missing or not a non-empty string".to_owned(),
        })?;
        Ok(Run {
            id: r.id.clone(),
            status: status.to_owned(),
            created_at: a.created_at.owned(),
            status_timestamps: a.status_timestamps.0,
            message: a.message.owned(),
            source: a.source.owned(),
            trigger_reason: a.trigger_reason.owned(),
            is_destroy: a.is_destroy.0,
            plan_only: a.plan_only.0,
            has_changes: a.has_changes.0,
            auto_apply: a.auto_apply.0,
            workspace_id: rel.workspace.id().map(str::to_owned),
            configuration_version_id: rel.configuration_version.id().map(str::to_owned),
            trigger: None,
        })
    }

    /// When the run reached its current status: `status-timestamps.<status>-at`, else the latest
    /// status timestamp, else `created-at`. RFC 3339 strings in UTC compare correctly as text.
    pub fn status_changed_at(&self) -> Option<&str> {
        let key = format!("{}-at", self.status.replace('_', "-"));
        self.status_timestamps
            .get(&key)
            .or_else(|| self.status_timestamps.values().max())
            .or(self.created_at.as_ref())
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfe::parse_document;

    #[test]
    fn status_timestamp_prefers_the_current_status() {
        let doc = parse_document(
            "d",
            r#"{"data":{"type":"runs","id":"run-1","attributes":{"status":"planned_and_finished","created-at":"2026-01-01T00:00:00Z","status-timestamps":{"planned-and-finished-at":"2026-01-01T00:02:00Z","plan-queued-at":"2026-01-01T00:00:05Z"}}}}"#,
        )
        .unwrap();
        let run = Run::from_resource("d", &doc.data[0]).unwrap();
        assert_eq!(run.status_changed_at(), Some("2026-01-01T00:02:00Z"));
    }

    #[test]
    fn status_timestamp_falls_back_to_created_at() {
        let doc = parse_document(
            "d",
            r#"{"data":{"type":"runs","id":"run-1","attributes":{"status":"pending","created-at":"2026-01-01T00:00:00Z","status-timestamps":null}}}"#,
        )
        .unwrap();
        let run = Run::from_resource("d", &doc.data[0]).unwrap();
        assert_eq!(run.status_changed_at(), Some("2026-01-01T00:00:00Z"));
    }
}
