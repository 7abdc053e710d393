//! A TFE run (`type: runs`), as far as status display needs it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::jsonapi::Resource;
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
}

impl Run {
    /// Reads a run from a `runs` resource.
    pub fn from_resource(document: &str, r: &Resource) -> Result<Self, ParseError> {
        let status = r.attr_text("status").ok_or_else(|| ParseError::BadResource {
            document: document.to_owned(),
            resource: format!("runs/{}", r.id),
            reason: "attribute `status` is missing or not a non-empty string".to_owned(),
        })?;
        let text = |key: &str| r.attr_text(key).map(str::to_owned);
        let status_timestamps = r
            .attr_object("status-timestamps")
            .map(|m| m.iter().filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned()))).collect())
            .unwrap_or_default();
        Ok(Run {
            id: r.id.clone(),
            status: status.to_owned(),
            created_at: text("created-at"),
            status_timestamps,
            message: text("message"),
            source: text("source"),
            trigger_reason: text("trigger-reason"),
            is_destroy: r.attr_bool("is-destroy"),
            plan_only: r.attr_bool("plan-only"),
            has_changes: r.attr_bool("has-changes"),
            auto_apply: r.attributes.get("auto-apply").and_then(Value::as_bool),
            workspace_id: r.relationship_id("workspace").map(str::to_owned),
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
