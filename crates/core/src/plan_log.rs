//! Where a run's plan log comes from, and whether it can be kept.
//!
//! The log is read from the plan's pre-signed `log-read-url` (in a run show document with
//! `include=plan`), only when that URL passes [`origin::check_plan_log_url`]. A finished plan's
//! log never changes, so the plugin keeps it in its database and never fetches it again; the log
//! of a plan still running is fetched on every view.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::ParseError;
use crate::origin::{self, OriginError};
use crate::tfe::parse_document;

/// Largest log the plugin reads, stores or serves; real logs are up to a few megabytes. Longer
/// logs are cut here, with [`cut_note`] appended.
pub const MAX_LOG_BYTES: usize = 8 * 1024 * 1024;

/// Plan statuses after which the log is complete.
const FINAL_PLAN_STATUSES: &[&str] = &["finished", "errored", "canceled", "unreachable"];

/// Where to read a plan log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanLogSource {
    /// The URL to fetch, checked; fetched without credentials and without following redirects.
    pub url: String,
    /// Whether the plan is over, so its log can be kept.
    pub cacheable: bool,
}

/// Why a plan log cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PlanLogError {
    /// The run document is unreadable.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The URL is not one the plugin fetches.
    #[error(transparent)]
    Origin(#[from] OriginError),
}

/// The plan log's source from a run show document (`include=plan`), or `None` when the run has
/// no plan or no log yet.
pub fn source(
    run_document: &str,
    base_url: &str,
    allow_insecure_http: bool,
) -> Result<Option<PlanLogSource>, PlanLogError> {
    let doc = parse_document("run", run_document)?;
    let Some(plan_id) = doc.data.iter().find(|r| r.kind == "runs").and_then(|r| r.relationship_id("plan")) else {
        return Ok(None);
    };
    let Some(plan) = doc.included.iter().find(|r| r.kind == "plans" && r.id == plan_id) else {
        return Ok(None);
    };
    let Some(url) = plan.attr_text("log-read-url") else {
        return Ok(None);
    };
    let url = origin::check_plan_log_url(url, base_url, allow_insecure_http)?;
    let cacheable = plan.attr_text("status").is_some_and(|s| FINAL_PLAN_STATUSES.contains(&s));
    Ok(Some(PlanLogSource { url, cacheable }))
}

/// The line appended to a log cut at [`MAX_LOG_BYTES`].
pub fn cut_note(max_bytes: usize) -> String {
    format!("\n[log cut at {max_bytes} bytes]\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(status: &str, url: &str) -> String {
        format!(
            r#"{{"data":{{"id":"run-1","type":"runs","attributes":{{"status":"planned"}},"relationships":{{"plan":{{"data":{{"id":"plan-1","type":"plans"}}}}}}}},"included":[{{"id":"plan-1","type":"plans","attributes":{{"status":"{status}","log-read-url":"{url}"}}}}]}}"#
        )
    }

    #[test]
    fn finished_plans_are_cacheable_and_hosts_are_checked() {
        let url = "https://archivist.terraform.io/v1/object/abc?sig=1";
        let hcp = "https://app.terraform.io";
        assert_eq!(
            source(&doc("finished", url), hcp, false).unwrap(),
            Some(PlanLogSource { url: url.into(), cacheable: true })
        );
        assert!(!source(&doc("running", url), hcp, false).unwrap().unwrap().cacheable);
        assert!(matches!(
            source(&doc("finished", "https://evil.example/x"), hcp, false),
            Err(PlanLogError::Origin(OriginError::ForeignHost { .. }))
        ));
        assert_eq!(source(r#"{"data":{"id":"run-1","type":"runs","attributes":{}}}"#, hcp, false).unwrap(), None);
        assert!(source("nope", hcp, false).is_err());
    }
}
