//! A workspace's current health assessment result (`GET /workspaces/:id/current-assessment-result`):
//! drift detection and continuous validation, read by syncs for workspaces whose listing says a
//! newer result exists, so drift is known without notifications.

use serde_json::Value;

use super::parse_document;
use crate::error::ParseError;
use crate::state::DriftFacts;

/// The drift facts of an assessment result document; `None` when it holds no result.
pub fn drift_from_document(document: &str, text: &str) -> Result<Option<DriftFacts>, ParseError> {
    let doc = parse_document(document, text)?;
    let Some(r) = doc.data.first() else {
        return Ok(None);
    };
    let count = |key: &str| r.attributes.get(key).and_then(Value::as_u64);
    let checks_failed = count("checks-failed").map(|n| n + count("checks-errored").unwrap_or(0));
    let state = if r.attr_bool("succeeded") == Some(false) {
        "assessment-failed"
    } else if r.attr_bool("drifted") == Some(true) {
        "drifted"
    } else if checks_failed.is_some_and(|n| n > 0) || r.attr_bool("all-checks-succeeded") == Some(false) {
        "checks-failed"
    } else {
        "no-drift"
    };
    Ok(Some(DriftFacts {
        state: state.to_owned(),
        resources_drifted: count("resources-drifted"),
        resources_undrifted: count("resources-undrifted"),
        checks_failed,
        checks_passed: count("checks-passed"),
        checks_unknown: count("checks-unknown"),
        assessed_at: r.attr_text("created-at").map(str::to_owned),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(attributes: &str) -> String {
        format!(r#"{{"data":{{"id":"asmtres-1","type":"assessment-results","attributes":{attributes}}}}}"#)
    }

    #[test]
    fn results_become_drift_facts_with_unknown_checks_counted() {
        let drifted = drift_from_document(
            "a",
            &doc(r#"{"drifted":true,"succeeded":true,"resources-drifted":3,"resources-undrifted":9,"checks-failed":0,"checks-passed":4,"checks-unknown":2,"created-at":"2026-11-20T10:00:00Z"}"#),
        )
        .unwrap()
        .unwrap();
        assert_eq!(drifted.state, "drifted");
        assert_eq!((drifted.resources_drifted, drifted.checks_unknown), (Some(3), Some(2)));
        assert_eq!(drifted.assessed_at.as_deref(), Some("2026-11-20T10:00:00Z"));
        let checks = drift_from_document(
            "a",
            &doc(r#"{"drifted":false,"succeeded":true,"checks-failed":1,"checks-errored":1}"#),
        );
        assert_eq!(checks.unwrap().unwrap().state, "checks-failed");
        assert_eq!(
            drift_from_document("a", &doc(r#"{"succeeded":false,"error-msg":"boom"}"#)).unwrap().unwrap().state,
            "assessment-failed"
        );
        assert_eq!(
            drift_from_document("a", &doc(r#"{"drifted":false,"succeeded":true,"unknown-field":{}}"#))
                .unwrap()
                .unwrap()
                .state,
            "no-drift"
        );
        assert_eq!(drift_from_document("a", r#"{"data":[]}"#).unwrap(), None);
        assert!(drift_from_document("a", "nope").is_err());
    }
}
