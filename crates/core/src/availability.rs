//! Whether an organization's data can be shown: the outcome of its last syncs, folded into one
//! state that every replica reads from the plugin's database.
//!
//! Syncs run in the catalog (one replica per scheduled run) while pages are served by the
//! `terraform` plugin on any replica, so the catalog module reports each outcome as an event and
//! the plugin keeps the folded state. Pages use it to tell "this workspace is not in the catalog"
//! apart from "TFE could not be read", which the user can do nothing about but wait.

use serde::{Deserialize, Serialize};

/// One sync's outcome, as the catalog module reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncOutcome {
    /// The organization synced.
    pub organization: String,
    /// When the sync ended (RFC 3339).
    pub at: String,
    /// Why it failed; `None` when it succeeded. Already free of secrets (the planner's errors
    /// never carry tokens).
    #[serde(default)]
    pub error: Option<String>,
}

/// What the plugin keeps per organization.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationHealth {
    /// The organization.
    pub organization: String,
    /// The last successful sync.
    pub last_success_at: Option<String>,
    /// The last failed sync, when it is newer than the last success.
    pub failed_at: Option<String>,
    /// Its error.
    pub error: Option<String>,
}

/// A problem a page shows next to (or instead of) an organization's workspaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// The organization.
    pub organization: String,
    /// A sentence for people.
    pub message: String,
    /// Whether the catalog has no data of this organization at all (it never synced): pages
    /// then show an error instead of possibly stale status.
    pub no_data: bool,
}

/// The state after `outcome`. Outcomes can arrive out of order (several replicas): an outcome
/// older than what the state holds changes nothing.
pub fn record(previous: Option<OrganizationHealth>, outcome: &SyncOutcome) -> OrganizationHealth {
    let mut health = previous.unwrap_or_else(|| OrganizationHealth {
        organization: outcome.organization.clone(),
        ..OrganizationHealth::default()
    });
    let newest = [&health.last_success_at, &health.failed_at].into_iter().flatten().max();
    if newest.and_then(|n| crate::run::millis(n)).zip(crate::run::millis(&outcome.at)).is_some_and(|(n, o)| o < n) {
        return health;
    }
    match &outcome.error {
        None => {
            health.last_success_at = Some(outcome.at.clone());
            health.failed_at = None;
            health.error = None;
        }
        Some(error) => {
            health.failed_at = Some(outcome.at.clone());
            health.error = Some(error.clone());
        }
    }
    health
}

/// The problem to show for an organization, if its last sync failed.
pub fn problem(health: &OrganizationHealth) -> Option<Problem> {
    let failed_at = health.failed_at.as_ref()?;
    let error = health.error.as_deref().unwrap_or("unknown error");
    let (message, no_data) = match &health.last_success_at {
        None => (
            format!(
                "Terraform organization {} could not be read from TFE yet: the last sync ({failed_at}) failed: {error}",
                health.organization
            ),
            true,
        ),
        Some(ok) => (
            format!(
                "Terraform status of organization {} may be out of date: the last sync ({failed_at}) failed: {error}; shown as of {ok}",
                health.organization
            ),
            false,
        ),
    };
    Some(Problem { organization: health.organization.clone(), message, no_data })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(at: &str, error: Option<&str>) -> SyncOutcome {
        SyncOutcome { organization: "acme".into(), at: at.into(), error: error.map(str::to_owned) }
    }

    #[test]
    fn a_failure_before_any_success_means_no_data() {
        let h = record(None, &outcome("2026-11-24T10:00:00Z", Some("TFE answered 503")));
        let p = problem(&h).unwrap();
        assert!(p.no_data);
        assert!(p.message.contains("could not be read from TFE yet"), "{}", p.message);
        assert!(p.message.contains("TFE answered 503"));
    }

    #[test]
    fn a_failure_after_a_success_means_stale_and_a_success_clears_it() {
        let ok = record(None, &outcome("2026-11-24T10:00:00Z", None));
        assert_eq!(problem(&ok), None);
        let failed = record(Some(ok), &outcome("2026-11-24T10:30:00Z", Some("timeout")));
        let p = problem(&failed).unwrap();
        assert!(!p.no_data);
        assert!(p.message.contains("shown as of 2026-11-24T10:00:00Z"), "{}", p.message);
        let again = record(Some(failed), &outcome("2026-11-24T11:00:00Z", None));
        assert_eq!(problem(&again), None);
    }

    #[test]
    fn older_outcomes_change_nothing() {
        let ok = record(None, &outcome("2026-11-24T11:00:00Z", None));
        let late = record(Some(ok.clone()), &outcome("2026-11-24T10:00:00Z", Some("late failure")));
        assert_eq!(late, ok);
    }
}
