//! TFE notification webhooks (`destination-type: generic`): signature verification, then parsing.
//!
//! The order matters: the signature is checked on the raw body bytes before anything parses them,
//! so a forged or altered request is rejected without being read. Payloads are tolerant: the
//! verification payload is all `null`s, `payload_version` is the number `1` for run events and the
//! string `"2"` for workspace events (both spellings are accepted), and both spellings of the
//! auto-destroy results trigger are known.
//!
//! Webhooks fail closed: [`receive`] is the one entry point of the receiver. It refuses a request
//! to an organization without a webhook token unless unsigned notifications were explicitly
//! allowed, and a notification whose `organization_name` is not the organization whose token
//! verified it. Unknown organizations are verified against a dummy key, so that to the caller
//! they cost the same and fail the same as a bad signature.

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
    /// No token (or an empty one) to verify with: nothing can be verified, so nothing passes.
    #[error("no webhook token to verify the signature with (an empty token is no token)")]
    NoToken,
}

/// Checks `signature` (hex HMAC-SHA512 of `body` keyed with `token`) in constant time. Without a
/// token (absent or empty) nothing is verified, so nothing passes: accepting unsigned
/// notifications is [`receive`]'s decision, made only when the configuration says so.
pub fn verify_signature(token: Option<&str>, body: &[u8], signature: Option<&str>) -> Result<(), SignatureError> {
    let token = token.filter(|t| !t.is_empty()).ok_or(SignatureError::NoToken)?;
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

/// How the receiver is configured for the organization named in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookAuth<'a> {
    /// A configured organization with its webhook token: signatures are required.
    Token(&'a str),
    /// A configured organization whose configuration says `allowUnsignedNotifications: true`.
    Unsigned,
    /// A configured organization with neither: notifications are refused.
    NotConfigured,
    /// No organization of that name is configured.
    UnknownOrganization,
}

/// Why a notification was refused. To the caller, [`NotificationError::is_unauthenticated`]
/// errors must all look the same (one status, one body); the message is for the log.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// The organization in the URL is not configured.
    #[error("no organization {} is configured", crate::error::shown(.0))]
    UnknownOrganization(String),
    /// The organization has no webhook token and unsigned notifications are not allowed.
    #[error(
        "organization {0} has no webhookToken: set terraform.organizations[].webhookToken to the token of its TFE notification configuration (or allowUnsignedNotifications: true to accept unsigned notifications)"
    )]
    NotConfigured(String),
    /// The signature is missing, malformed or wrong.
    #[error("organization {organization}: {reason}")]
    Signature {
        /// The organization in the URL.
        organization: String,
        /// Why the signature was refused.
        reason: SignatureError,
    },
    /// The body is not a notification.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// A verified notification about another organization than the one whose token verified it.
    #[error("a notification for organization {expected} names organization {}", crate::error::shown(found.as_deref().unwrap_or("(none)")))]
    OrganizationMismatch {
        /// The organization in the URL, whose token verified the body.
        expected: String,
        /// The organization the payload names, if any.
        found: Option<String>,
    },
}

impl NotificationError {
    /// True for refusals the caller must not be able to tell apart: unknown organization, no
    /// token configured, bad or missing signature.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, Self::UnknownOrganization(_) | Self::NotConfigured(_) | Self::Signature { .. })
    }
}

/// A key no configuration can hold (configured tokens are printable ASCII), used to verify
/// requests to unknown organizations so that they take as long as a bad signature.
const DUMMY_KEY: &str = "\u{0}tfe-catalog: no such organization\u{0}";

/// The receiver: authenticates `body` for `organization` (the URL's), parses it, and accepts it
/// only when it concerns that organization. The verification payload names no organization and
/// is accepted once authenticated; a run event must name `organization`; a workspace event must
/// name it in its details.
pub fn receive(
    organization: &str,
    auth: WebhookAuth<'_>,
    body: &[u8],
    signature: Option<&str>,
) -> Result<Notification, NotificationError> {
    match auth {
        WebhookAuth::Token(token) => verify_signature(Some(token), body, signature)
            .map_err(|reason| NotificationError::Signature { organization: organization.to_owned(), reason })?,
        WebhookAuth::Unsigned => {}
        WebhookAuth::NotConfigured | WebhookAuth::UnknownOrganization => {
            // Same work as a real check, result ignored: the answer must not depend on which it was.
            let _ = verify_signature(Some(DUMMY_KEY), body, signature);
            return Err(if auth == WebhookAuth::NotConfigured {
                NotificationError::NotConfigured(organization.to_owned())
            } else {
                NotificationError::UnknownOrganization(organization.to_owned())
            });
        }
    }
    let notification = parse_notification(body)?;
    let named = match &notification {
        Notification::Verification | Notification::Unknown { .. } => return Ok(notification),
        Notification::Run(event) => Some(event.organization.as_str()),
        Notification::Workspace(event) => event.organization.as_deref(),
    };
    if named != Some(organization) {
        return Err(NotificationError::OrganizationMismatch {
            expected: organization.to_owned(),
            found: named.map(str::to_owned),
        });
    }
    Ok(notification)
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
        assert_eq!(verify_signature(None, RUN.as_bytes(), None), Err(SignatureError::NoToken));
        assert_eq!(
            verify_signature(Some(""), RUN.as_bytes(), Some(&sign("", RUN.as_bytes()))),
            Err(SignatureError::NoToken)
        );
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

    #[test]
    fn the_receiver_fails_closed() {
        let body = RUN.as_bytes();
        let sig = sign("s3cret", body);
        let ok = receive("acme", WebhookAuth::Token("s3cret"), body, Some(&sig)).unwrap();
        assert!(matches!(ok, Notification::Run(_)));
        let refused = [
            receive("acme", WebhookAuth::NotConfigured, body, None).unwrap_err(),
            receive("nope", WebhookAuth::UnknownOrganization, body, Some(&sig)).unwrap_err(),
            receive("acme", WebhookAuth::Token("s3cret"), body, None).unwrap_err(),
            receive("acme", WebhookAuth::Token("other"), body, Some(&sig)).unwrap_err(),
        ];
        assert!(refused.iter().all(NotificationError::is_unauthenticated), "{refused:?}");
        assert!(refused[0].to_string().contains("webhookToken"), "the log line says how to configure one");
        assert!(!refused.iter().any(|e| e.to_string().contains("s3cret")));
        // Unsigned notifications only when the configuration says so.
        assert!(matches!(receive("acme", WebhookAuth::Unsigned, body, None), Ok(Notification::Run(_))));
    }

    #[test]
    fn a_notification_applies_only_to_the_organization_that_verified_it() {
        let body = RUN.as_bytes();
        let sig = sign("globex-token", body);
        assert_eq!(
            receive("globex", WebhookAuth::Token("globex-token"), body, Some(&sig)),
            Err(NotificationError::OrganizationMismatch { expected: "globex".into(), found: Some("acme".into()) })
        );
        let workspace = br#"{"payload_version":"2","trigger":"assessment:drifted","details":{"workspace_id":"ws-1"}}"#;
        let err = receive("acme", WebhookAuth::Unsigned, workspace, None).unwrap_err();
        assert_eq!(err, NotificationError::OrganizationMismatch { expected: "acme".into(), found: None });
        assert!(!err.is_unauthenticated());
        let verification =
            br#"{"payload_version":1,"organization_name":null,"notifications":[{"trigger":"verification"}]}"#;
        let sig = sign("t", verification);
        assert_eq!(receive("acme", WebhookAuth::Token("t"), verification, Some(&sig)), Ok(Notification::Verification));
    }
}
