//! Run status buckets: the one table that turns TFE's many run statuses into what a catalog reader
//! needs to know. Unknown statuses are tolerated (TFE adds new ones; no single source lists them
//! all) and land in [`StatusBucket::Unknown`].

use serde::{Deserialize, Serialize};

/// What a run's status means for a person looking at the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusBucket {
    /// Finished and applied, or a plan that needed no apply.
    Success,
    /// Finished with an error or a failed policy.
    Failure,
    /// Stopped by a person (canceled, force-canceled, discarded).
    Canceled,
    /// Paused until a person decides (confirm, override, task decision).
    NeedsAttention,
    /// Queued or running.
    InProgress,
    /// A status this code does not know.
    Unknown,
}

impl StatusBucket {
    /// The bucket's annotation value (`success`, `needs-attention`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            StatusBucket::Success => "success",
            StatusBucket::Failure => "failure",
            StatusBucket::Canceled => "canceled",
            StatusBucket::NeedsAttention => "needs-attention",
            StatusBucket::InProgress => "in-progress",
            StatusBucket::Unknown => "unknown",
        }
    }

    /// The bucket named by an annotation value; `Unknown` for anything else.
    pub fn from_str_lossy(value: &str) -> Self {
        [
            StatusBucket::Success,
            StatusBucket::Failure,
            StatusBucket::Canceled,
            StatusBucket::NeedsAttention,
            StatusBucket::InProgress,
        ]
        .into_iter()
        .find(|b| b.as_str() == value)
        .unwrap_or(StatusBucket::Unknown)
    }
}

/// How a status is classified before the workspace's auto-apply setting is considered.
#[derive(Clone, Copy)]
enum Kind {
    Final(StatusBucket),
    /// Paused for a person, unless the run applies automatically (`planned`, `cost_estimated`).
    PausedUnlessAutoApply,
    Paused,
    Running,
}

/// Every known status. Sources: TFE run docs, go-tfe's OpenAPI enum and constants, and the
/// `meta.status-counts` keys of recorded traffic.
const STATUSES: &[(&str, Kind)] = &[
    ("pending", Kind::Running),
    ("fetching", Kind::Running),
    ("fetching_completed", Kind::Running),
    ("pre_plan_running", Kind::Running),
    ("pre_plan_completed", Kind::Running),
    ("pre_plan_awaiting_decision", Kind::Paused),
    ("queuing", Kind::Running),
    ("plan_queued", Kind::Running),
    ("planning", Kind::Running),
    ("planned", Kind::PausedUnlessAutoApply),
    ("cost_estimating", Kind::Running),
    ("cost_estimated", Kind::PausedUnlessAutoApply),
    ("policy_checking", Kind::Running),
    ("policy_override", Kind::Paused),
    ("policy_soft_failed", Kind::Final(StatusBucket::Failure)),
    ("policy_checked", Kind::Paused),
    ("tf_policy_checked", Kind::Running),
    ("tf_policy_override", Kind::Paused),
    ("post_plan_running", Kind::Running),
    ("post_plan_completed", Kind::Running),
    ("post_plan_awaiting_decision", Kind::Paused),
    ("confirmed", Kind::Running),
    ("pre_apply_running", Kind::Running),
    ("pre_apply_completed", Kind::Running),
    ("pre_apply_awaiting_decision", Kind::Paused),
    ("queuing_apply", Kind::Running),
    ("apply_queued", Kind::Running),
    ("applying", Kind::Running),
    ("post_apply_running", Kind::Running),
    ("post_apply_completed", Kind::Running),
    ("applied", Kind::Final(StatusBucket::Success)),
    ("planned_and_finished", Kind::Final(StatusBucket::Success)),
    ("planned_and_saved", Kind::Paused),
    ("discarded", Kind::Final(StatusBucket::Canceled)),
    ("errored", Kind::Final(StatusBucket::Failure)),
    ("canceled", Kind::Final(StatusBucket::Canceled)),
    ("force_canceled", Kind::Final(StatusBucket::Canceled)),
    ("assessing", Kind::Running),
    ("assessed", Kind::Final(StatusBucket::Success)),
];

fn kind(status: &str) -> Option<Kind> {
    STATUSES.iter().find(|(s, _)| *s == status).map(|(_, k)| *k)
}

/// The bucket of a run status. `auto_apply` is the run's (or its workspace's) auto-apply setting:
/// a `planned` run that applies by itself is in progress, not waiting for a person. When it is
/// unknown, a paused-looking run is reported as needing attention.
pub fn bucket(status: &str, auto_apply: Option<bool>) -> StatusBucket {
    match kind(status) {
        Some(Kind::Final(bucket)) => bucket,
        Some(Kind::Paused) => StatusBucket::NeedsAttention,
        Some(Kind::PausedUnlessAutoApply) if auto_apply == Some(true) => StatusBucket::InProgress,
        Some(Kind::PausedUnlessAutoApply) => StatusBucket::NeedsAttention,
        Some(Kind::Running) => StatusBucket::InProgress,
        None => StatusBucket::Unknown,
    }
}

/// Whether a status is final: the run will not change again (`applied`, `errored`, ...).
/// Unknown statuses are not final, so pollers keep asking.
pub fn is_final(status: &str) -> bool {
    matches!(kind(status), Some(Kind::Final(_)))
}

/// Whether the status is one this code knows.
pub fn is_known(status: &str) -> bool {
    kind(status).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_of_the_reference_is_known() {
        // The 39 statuses TFE documents, written out again on purpose: the table
        // above must not silently lose one.
        let reference = "pending fetching fetching_completed pre_plan_running pre_plan_completed \
            pre_plan_awaiting_decision queuing plan_queued planning planned cost_estimating \
            cost_estimated policy_checking policy_override policy_soft_failed policy_checked \
            tf_policy_checked tf_policy_override post_plan_running post_plan_completed \
            post_plan_awaiting_decision confirmed pre_apply_running pre_apply_completed \
            pre_apply_awaiting_decision queuing_apply apply_queued applying post_apply_running \
            post_apply_completed applied planned_and_finished planned_and_saved discarded errored \
            canceled force_canceled assessing assessed";
        let statuses: Vec<&str> = reference.split_whitespace().collect();
        assert_eq!(statuses.len(), 39);
        for s in statuses {
            assert!(is_known(s), "{s} is not in the table");
        }
        assert_eq!(STATUSES.len(), 39);
    }

    #[test]
    fn buckets_follow_the_reference() {
        assert_eq!(bucket("applied", None), StatusBucket::Success);
        assert_eq!(bucket("planned_and_finished", None), StatusBucket::Success);
        assert_eq!(bucket("errored", None), StatusBucket::Failure);
        assert_eq!(bucket("policy_soft_failed", None), StatusBucket::Failure);
        assert_eq!(bucket("discarded", None), StatusBucket::Canceled);
        assert_eq!(bucket("force_canceled", None), StatusBucket::Canceled);
        assert_eq!(bucket("policy_override", None), StatusBucket::NeedsAttention);
        assert_eq!(bucket("post_plan_awaiting_decision", None), StatusBucket::NeedsAttention);
        assert_eq!(bucket("planning", None), StatusBucket::InProgress);
        assert_eq!(bucket("teleporting", None), StatusBucket::Unknown);
    }

    #[test]
    fn planned_needs_attention_only_without_auto_apply() {
        assert_eq!(bucket("planned", Some(false)), StatusBucket::NeedsAttention);
        assert_eq!(bucket("planned", None), StatusBucket::NeedsAttention);
        assert_eq!(bucket("planned", Some(true)), StatusBucket::InProgress);
        assert_eq!(bucket("cost_estimated", Some(true)), StatusBucket::InProgress);
    }

    #[test]
    fn finality() {
        assert!(is_final("applied"));
        assert!(is_final("canceled"));
        assert!(!is_final("planned"));
        assert!(!is_final("something_new"));
    }
}
