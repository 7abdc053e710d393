//! TFE notification webhooks (`destination-type: generic`): signature verification, then parsing.
//!
//! The order matters: the signature is checked on the raw body bytes before anything parses them,
//! so a forged or altered request is rejected without being read. Payloads are tolerant: the
//! verification payload is all `null`s, `payload_version` is the number `1` for run events and the
//! string `"2"` for workspace events (both spellings are accepted), and both spellings of the
//! auto-destroy results trigger are known.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::Sha512;
use thiserror::Error;

use crate::error::ParseError;
use crate::status::{self, StatusBucket};

/// Largest body the receiver accepts: real payloads are a few kilobytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why a signature was refused. Messages never include the token or the expected signature.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// A token is configured but the request carries no `X-TFE-Notification-Signature`.
    #[error("missing X-TFE-Notification-Signature header")]
    Missing,
    /// The header is not 128 hex characters.
    #[error("malformed X-TFE-Notification-Signature: expected 128 hex characters")]
    Malformed,
    /// The HMAC does not match the body.
    #[error("X-TFE-Notification-Signature does not match the body")]
    Mismatch,
}

/// Checks `signature` (hex HMAC-SHA512 of `body` keyed with `token`) in constant time. With no
/// token configured TFE sends no signature, and any request is accepted.
pub fn verify_signature(token: Option<&str>, body: &[u8], signature: Option<&str>) -> Result<(), SignatureError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    let signature = signature.map(str::trim).filter(|s| !s.is_empty()).ok_or(SignatureError::Missing)?;
    let expected = hex::decode(signature).map_err(|_| SignatureError::Malformed)?;
    if expected.len() != 64 {
        return Err(SignatureError::Malformed);
    }
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha512>::new_from_slice(token.as_bytes()).expect("any key length");
    mac.update(body);
    mac.verify_slice(&expected).map_err(|_| SignatureError::Mismatch)
}

/// The signature TFE would send for `body` (used by the fake TFE's tests and the CLI).
pub fn sign(token: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(token.as_bytes()).expect("any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// A parsed notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Notification {
    /// "Send a test" from TFE: every run and workspace field is `null`. Answer 2xx, apply nothing.
    Verification,
    /// A run changed status.
    Run(RunEvent),
    /// An assessment (drift, checks) or auto-destroy event of a workspace.
    Workspace(WorkspaceEvent),
    /// A trigger this code does not know; acknowledged (202) and logged, never applied.
    Unknown {
        /// The trigger as sent.
        trigger: String,
    },
}

/// A run event (`payload_version` 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunEvent {
    /// `run:created`, `run:planning`, `run:needs_attention`, `run:applying`, `run:completed`, `run:errored`.
    pub trigger: String,
    /// `run-…`.
    pub run_id: String,
    /// The run's page in TFE.
    pub run_url: Option<String>,
    /// The run's message.
    pub run_message: Option<String>,
    /// When the run was created.
    pub run_created_at: Option<String>,
    /// Who created it.
    pub run_created_by: Option<String>,
    /// `ws-…`.
    pub workspace_id: String,
    /// The workspace name.
    pub workspace_name: Option<String>,
    /// The organization name.
    pub organization: String,
    /// The run's status after the event.
    pub run_status: String,
    /// Its bucket.
    pub bucket: StatusBucket,
    /// Whether the run will not change again.
    #[serde(rename = "final")]
    pub is_final: bool,
    /// When the run reached that status.
    pub run_updated_at: Option<String>,
    /// Who moved it there.
    pub run_updated_by: Option<String>,
}

/// A workspace event (`payload_version` "2").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceEvent {
    /// `assessment:drifted`, `assessment:check_failure`, `assessment:failed`,
    /// `workspace:auto_destroy_reminder`, `workspace:auto_destroy_run_results` (or `_results`).
    pub trigger: String,
    /// `assessment` or `workspace`.
    pub trigger_scope: Option<String>,
    /// TFE's message.
    pub message: Option<String>,
    /// `ws-…`, when the details name it.
    pub workspace_id: Option<String>,
    /// The workspace name, when the details name it.
    pub workspace_name: Option<String>,
    /// The organization, when the details name it.
    pub organization: Option<String>,
    /// The drift state this event reports, for assessment events.
    pub drift: Option<DriftState>,
    /// TFE's `details`, verbatim.
    pub details: Value,
}

/// The health-assessment state of a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftState {
    /// `drifted`, `no-drift`, `checks-failed` or `assessment-failed`.
    pub state: String,
    /// Resources drifted.
    pub resources_drifted: Option<u64>,
    /// Resources not drifted.
    pub resources_undrifted: Option<u64>,
    /// Continuous-validation checks that failed.
    pub checks_failed: Option<u64>,
    /// Continuous-validation checks that passed.
    #[serde(default)]
    pub checks_passed: Option<u64>,
    /// When the assessment ran.
    pub assessed_at: Option<String>,
}

const RUN_TRIGGERS: &[&str] =
    &["run:created", "run:planning", "run:needs_attention", "run:applying", "run:completed", "run:errored"];
const WORKSPACE_TRIGGERS: &[&str] = &[
    "assessment:drifted",
    "assessment:check_failure",
    "assessment:failed",
    "workspace:auto_destroy_reminder",
    "workspace:auto_destroy_run_results",
    "workspace:auto_destroy_results",
];

/// Parses a notification body (after [`verify_signature`]).
pub fn parse_notification(body: &[u8]) -> Result<Notification, ParseError> {
    let name = "notification";
    let root: Value = serde_json::from_slice(body)
        .map_err(|e| ParseError::NotJson { document: name.into(), reason: e.to_string() })?;
    let bad = |reason: &str| ParseError::BadResource {
        document: name.into(),
        resource: "payload".into(),
        reason: reason.into(),
    };
    let root = root.as_object().ok_or_else(|| bad("the body is not a JSON object"))?;
    let version = match root.get("payload_version") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| bad("`payload_version` is missing or not 1 or \"2\""))?;
    match version {
        1 => parse_run_payload(root).ok_or_else(|| bad("a run notification lacks `notifications[0].trigger`, `run_id`, `workspace_id`, `organization_name` or `run_status`")),
        2 => parse_workspace_payload(root).ok_or_else(|| bad("a workspace notification lacks `trigger`")),
        other => Err(bad(&format!("unknown payload_version {other}"))),
    }
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn parse_run_payload(root: &Map<String, Value>) -> Option<Notification> {
    let first = root.get("notifications")?.as_array()?.first()?.as_object()?;
    let trigger = text(first, "trigger")?;
    if trigger == "verification" {
        return Some(Notification::Verification);
    }
    if !RUN_TRIGGERS.contains(&trigger.as_str()) {
        return Some(Notification::Unknown { trigger });
    }
    let run_status = text(first, "run_status")?;
    Some(Notification::Run(RunEvent {
        bucket: status::bucket(&run_status, None),
        is_final: status::is_final(&run_status),
        run_id: text(root, "run_id")?,
        run_url: text(root, "run_url"),
        run_message: text(root, "run_message"),
        run_created_at: text(root, "run_created_at"),
        run_created_by: text(root, "run_created_by"),
        workspace_id: text(root, "workspace_id")?,
        workspace_name: text(root, "workspace_name"),
        organization: text(root, "organization_name")?,
        run_updated_at: text(first, "run_updated_at"),
        run_updated_by: text(first, "run_updated_by"),
        trigger,
        run_status,
    }))
}

fn parse_workspace_payload(root: &Map<String, Value>) -> Option<Notification> {
    let trigger = text(root, "trigger")?;
    if !WORKSPACE_TRIGGERS.contains(&trigger.as_str()) {
        return Some(Notification::Unknown { trigger });
    }
    let details = root.get("details").cloned().unwrap_or(Value::Null);
    let empty = Map::new();
    let d = details.as_object().unwrap_or(&empty);
    Some(Notification::Workspace(WorkspaceEvent {
        trigger_scope: text(root, "trigger_scope"),
        message: text(root, "message"),
        workspace_id: text(d, "workspace_id"),
        workspace_name: text(d, "workspace_name"),
        organization: text(d, "organization_name"),
        drift: drift(&trigger, d),
        details,
        trigger,
    }))
}

fn drift(trigger: &str, details: &Map<String, Value>) -> Option<DriftState> {
    let result = details.get("new_assessment_result").and_then(Value::as_object);
    let number = |key: &str| result.and_then(|r| r.get(key)).and_then(Value::as_u64);
    let state = match trigger {
        "assessment:drifted" => "drifted",
        "assessment:check_failure" => "checks-failed",
        "assessment:failed" => "assessment-failed",
        _ => return None,
    };
    Some(DriftState {
        state: state.to_owned(),
        resources_drifted: number("resources_drifted"),
        resources_undrifted: number("resources_undrifted"),
        checks_failed: number("checks_failed"),
        checks_passed: number("checks_passed"),
        assessed_at: result.and_then(|r| text(r, "created_at")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = r#"{"payload_version":1,"notification_configuration_id":"nc-AeUQ2zfKZzW9TiGZ","run_url":"https://app.terraform.io/app/acme/workspaces/net/runs/run-FwnENkvDnrpyFC7M","run_id":"run-FwnENkvDnrpyFC7M","run_message":"Add five new queue workers","run_created_at":"2019-01-25T18:34:00.000Z","run_created_by":"sample-user","workspace_id":"ws-XdeUVMWShTesDMME","workspace_name":"net","organization_name":"acme","notifications":[{"message":"Run Canceled","trigger":"run:errored","run_status":"canceled","run_updated_at":"2019-01-25T18:37:04.000Z","run_updated_by":"sample-user"}]}"#;

    #[test]
    fn signatures_are_checked_on_the_raw_bytes() {
        let sig = sign("s3cret", RUN.as_bytes());
        assert_eq!(sig.len(), 128);
        assert_eq!(verify_signature(Some("s3cret"), RUN.as_bytes(), Some(&sig)), Ok(()));
        assert_eq!(verify_signature(Some("s3cret"), RUN.as_bytes(), Some(&sig.to_uppercase())), Ok(()));
        let altered = RUN.replace("canceled", "applied");
        assert_eq!(verify_signature(Some("s3cret"), altered.as_bytes(), Some(&sig)), Err(SignatureError::Mismatch));
        assert_eq!(verify_signature(Some("other"), RUN.as_bytes(), Some(&sig)), Err(SignatureError::Mismatch));
        assert_eq!(verify_signature(Some("s3cret"), RUN.as_bytes(), None), Err(SignatureError::Missing));
        assert_eq!(verify_signature(Some("s3cret"), RUN.as_bytes(), Some("abc")), Err(SignatureError::Malformed));
        assert_eq!(verify_signature(None, RUN.as_bytes(), None), Ok(()));
    }

    #[test]
    fn the_reference_hmac_is_reproduced() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
    }

    #[test]
    fn run_events_are_parsed_and_bucketed() {
        let Notification::Run(event) = parse_notification(RUN.as_bytes()).unwrap() else { panic!() };
        assert_eq!(event.run_status, "canceled");
        assert_eq!(event.bucket, StatusBucket::Canceled);
        assert!(event.is_final);
        assert_eq!(event.workspace_id, "ws-XdeUVMWShTesDMME");
        assert_eq!(event.organization, "acme");
    }

    #[test]
    fn the_verification_payload_is_all_nulls() {
        let body = r#"{"payload_version":1,"notification_configuration_id":"nc-1","run_url":null,"run_id":null,"run_message":null,"run_created_at":null,"run_created_by":null,"workspace_id":null,"workspace_name":null,"organization_name":null,"notifications":[{"message":"Verification of test","trigger":"verification","run_status":null,"run_updated_at":null,"run_updated_by":null}]}"#;
        assert_eq!(parse_notification(body.as_bytes()).unwrap(), Notification::Verification);
    }

    #[test]
    fn workspace_events_accept_both_version_spellings_and_report_drift() {
        for version in ["\"2\"", "2"] {
            let body = format!(
                r#"{{"payload_version":{version},"notification_configuration_url":"https://app.terraform.io/api/v2/notification-configurations/nc-1","trigger_scope":"assessment","trigger":"assessment:drifted","message":"Drift Detected","details":{{"new_assessment_result":{{"id":"asmtres-1","drifted":true,"resources_drifted":3,"resources_undrifted":10,"checks_failed":0,"created_at":"2026-11-20T10:00:00Z"}},"workspace_id":"ws-1","workspace_name":"net","organization_name":"acme"}}}}"#
            );
            let Notification::Workspace(event) = parse_notification(body.as_bytes()).unwrap() else { panic!() };
            let drift = event.drift.unwrap();
            assert_eq!((drift.state.as_str(), drift.resources_drifted), ("drifted", Some(3)));
            assert_eq!(event.workspace_id.as_deref(), Some("ws-1"));
        }
        for trigger in ["workspace:auto_destroy_run_results", "workspace:auto_destroy_results"] {
            let body = format!(
                r#"{{"payload_version":"2","trigger_scope":"workspace","trigger":"{trigger}","details":{{}}}}"#
            );
            assert!(matches!(parse_notification(body.as_bytes()).unwrap(), Notification::Workspace(_)));
        }
    }

    #[test]
    fn unknown_triggers_and_bad_bodies() {
        let unknown = RUN.replace("run:errored", "run:teleported");
        assert_eq!(
            parse_notification(unknown.as_bytes()).unwrap(),
            Notification::Unknown { trigger: "run:teleported".into() }
        );
        assert!(matches!(parse_notification(b"{nope"), Err(ParseError::NotJson { .. })));
        assert!(matches!(parse_notification(b"[]"), Err(ParseError::BadResource { .. })));
        assert!(matches!(parse_notification(br#"{"payload_version":3}"#), Err(ParseError::BadResource { .. })));
        let no_run_id = RUN.replace("\"run_id\":\"run-FwnENkvDnrpyFC7M\",", "");
        assert!(parse_notification(no_run_id.as_bytes()).is_err());
    }
}
