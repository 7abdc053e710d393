//! The wasm-bindgen face, loaded by the Node shim with `require()`.

use serde::Serialize;
use tfe_catalog_core as core;
use wasm_bindgen::prelude::*;

/// A core error as a JS `Error` carrying the core's message.
fn js_error(e: impl std::fmt::Display) -> JsValue {
    JsError::new(&e.to_string()).into()
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    // serde-wasm-bindgen's errors already are JS `Error`s.
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T, JsValue> {
    Ok(serde_wasm_bindgen::from_value(value)?)
}

/// Maps `{documents: [{name, text}], options}` to the canonical entity JSON text.
#[wasm_bindgen(js_name = mapDocuments)]
pub fn map_documents(request: JsValue) -> Result<String, JsValue> {
    let request: core::MapRequest = from_js(request)?;
    core::map_request(&request).map_err(js_error)
}

/// The workspaces an entity is annotated with: `[{organization, workspaceId?, workspaceName?}]`.
#[wasm_bindgen(js_name = serviceSelectors)]
pub fn service_selectors(entity: JsValue) -> Result<JsValue, JsValue> {
    let entity: core::service::AnnotatedEntity = from_js(entity)?;
    to_js(&core::service::selectors(&entity))
}

/// The workspaces whose status the entity's page shows.
#[wasm_bindgen(js_name = statusSelectors)]
pub fn status_selectors(entity: JsValue) -> Result<JsValue, JsValue> {
    let entity: core::service::AnnotatedEntity = from_js(entity)?;
    to_js(&core::service::status_selectors(&entity))
}

/// `{relations, warnings}` for an entity, given `[{selector, found: [{kind, namespace, name}]}]`.
#[wasm_bindgen(js_name = serviceRelations)]
pub fn service_relations(entity: JsValue, resolved: JsValue) -> Result<JsValue, JsValue> {
    let entity: core::service::AnnotatedEntity = from_js(entity)?;
    let resolved: Vec<core::service::Resolved> = from_js(resolved)?;
    to_js(&core::service::relations(&entity, &resolved))
}

/// The webhook receiver (`core::notification::receive`): `{accepted: notification}` or
/// `{refused: "unauthenticated" | "invalid" | "mismatch", message}`. `auth` is the organization's
/// `{token, unsigned}` (`unsigned`: `allowUnsignedNotifications`; a token always wins), or null for
/// an unknown organization.
#[wasm_bindgen(js_name = receiveNotification)]
pub fn receive_notification(
    organization: &str,
    auth: JsValue,
    body: &[u8],
    signature: Option<String>,
) -> Result<JsValue, JsValue> {
    use core::notification::{NotificationError, WebhookAuth, receive};
    #[derive(serde::Deserialize)]
    struct Auth {
        token: Option<String>,
        #[serde(default)]
        unsigned: bool,
    }
    let auth: Option<Auth> = from_js(auth)?;
    let auth = match &auth {
        None => WebhookAuth::UnknownOrganization,
        Some(Auth { token: Some(token), .. }) => WebhookAuth::Token(token),
        Some(Auth { unsigned: true, .. }) => WebhookAuth::Unsigned,
        Some(_) => WebhookAuth::NotConfigured,
    };
    let result = match receive(organization, auth, body, signature.as_deref()) {
        Ok(notification) => serde_json::json!({ "accepted": notification }),
        Err(e) => {
            let refused = match &e {
                e if e.is_unauthenticated() => "unauthenticated",
                NotificationError::OrganizationMismatch { .. } => "mismatch",
                _ => "invalid",
            };
            serde_json::json!({ "refused": refused, "message": e.to_string() })
        }
    };
    to_js(&result)
}

/// Throws unless `token` is a usable token (non-empty, printable ASCII); the message names
/// `setting`, never the token.
#[wasm_bindgen(js_name = checkToken)]
pub fn check_token(setting: &str, token: &str) -> Result<(), JsValue> {
    core::token::check_token(setting, token).map_err(js_error)
}

/// The checked base URL (https unless `allowInsecureHttp`), without a trailing slash; throws why not.
#[wasm_bindgen(js_name = checkBaseUrl)]
pub fn check_base_url(base_url: &str, allow_insecure_http: bool) -> Result<String, JsValue> {
    core::origin::check_base_url(base_url, allow_insecure_http).map_err(js_error)
}

/// `{url, cacheable}` of a run show document's plan log, or null; throws for a refused URL.
#[wasm_bindgen(js_name = planLogSource)]
pub fn plan_log_source(text: &str, base_url: &str, allow_insecure_http: bool) -> Result<JsValue, JsValue> {
    to_js(&core::plan_log::source(text, base_url, allow_insecure_http).map_err(js_error)?)
}

/// `{maxBytes, cutNote}`: the plan log size limit and the line appended to a log cut there.
#[wasm_bindgen(js_name = planLogLimits)]
pub fn plan_log_limits() -> Result<JsValue, JsValue> {
    let max = core::plan_log::MAX_LOG_BYTES;
    to_js(&serde_json::json!({ "maxBytes": max, "cutNote": core::plan_log::cut_note(max) }))
}

/// `{state, decision}`: a slot of a token's request budget (`state` may be null, `class` is
/// `"sync"` or `"onDemand"`); see `core::budget`.
#[wasm_bindgen(js_name = budgetReserve)]
pub fn budget_reserve(state: JsValue, config: JsValue, now_ms: f64, class: JsValue) -> Result<JsValue, JsValue> {
    let mut state: core::budget::BudgetState = from_js::<Option<_>>(state)?.unwrap_or_default();
    let config: core::budget::BudgetConfig = from_js::<Option<_>>(config)?.unwrap_or_default();
    let class: core::budget::Class = from_js(class)?;
    let decision = core::budget::reserve(&mut state, &config, now_ms as u64, class);
    to_js(&serde_json::json!({ "state": state, "decision": decision }))
}

/// `{state, verdict}` after an answer (`headers` as `[name, value]` pairs, `attempt` from 1).
#[wasm_bindgen(js_name = budgetObserve)]
pub fn budget_observe(
    state: JsValue,
    config: JsValue,
    now_ms: f64,
    status: u16,
    headers: JsValue,
    attempt: u32,
) -> Result<JsValue, JsValue> {
    let mut state: core::budget::BudgetState = from_js::<Option<_>>(state)?.unwrap_or_default();
    let config: core::budget::BudgetConfig = from_js::<Option<_>>(config)?.unwrap_or_default();
    let headers: Vec<(String, String)> = from_js(headers)?;
    let verdict = core::budget::observe(&mut state, &config, now_ms as u64, status, &headers, attempt);
    to_js(&serde_json::json!({ "state": state, "verdict": verdict }))
}

/// The parsed notification: `{kind: "verification" | "run" | "workspace" | "unknown", ...}`.
#[wasm_bindgen(js_name = parseNotification)]
pub fn parse_notification(body: &[u8]) -> Result<JsValue, JsValue> {
    to_js(&core::notification::parse_notification(body).map_err(js_error)?)
}

/// A run record from TFE's run document text and `{baseUrl, organization, namespace}`.
#[wasm_bindgen(js_name = recordFromDocument)]
pub fn record_from_document(text: &str, context: JsValue) -> Result<JsValue, JsValue> {
    let context: core::run::RunContext = from_js(context)?;
    to_js(&core::run::record_from_document(text, &context).map_err(js_error)?)
}

/// The run record after a run notification (`previous` may be null).
#[wasm_bindgen(js_name = recordFromEvent)]
pub fn record_from_event(previous: JsValue, notification: JsValue) -> Result<JsValue, JsValue> {
    let previous: Option<core::run::RunRecord> = from_js(previous)?;
    let event: core::notification::RunEvent = from_js(notification)?;
    to_js(&core::run::record_from_event(previous, &event))
}

/// Whether a read must fetch the run from TFE (`record` may be null).
#[wasm_bindgen(js_name = needsFetch)]
pub fn needs_fetch(record: JsValue, now_ms: f64) -> Result<bool, JsValue> {
    let record: Option<core::run::RunRecord> = from_js(record)?;
    Ok(core::run::needs_fetch(record.as_ref(), now_ms as u64))
}

/// Whether the status route must read the run from TFE (`record` may be null).
#[wasm_bindgen(js_name = needsStatusFetch)]
pub fn needs_status_fetch(record: JsValue, now_ms: f64) -> Result<bool, JsValue> {
    let record: Option<core::run::RunRecord> = from_js(record)?;
    Ok(core::run::needs_status_fetch(record.as_ref(), now_ms as u64))
}

/// `{id, status, bucket, final, updatedAt, etag}`.
#[wasm_bindgen(js_name = statusView)]
pub fn status_view(record: JsValue) -> Result<JsValue, JsValue> {
    let record: core::run::RunRecord = from_js(record)?;
    to_js(&core::run::status_view(&record))
}

/// The GlobalLogic frontend's runs of `[{entity, records}]`, newest first; plan logs link to
/// `baseUrl` (this plugin's external base URL).
#[wasm_bindgen(js_name = globallogicRuns)]
pub fn globallogic_runs(workspaces: JsValue, base_url: &str) -> Result<JsValue, JsValue> {
    let workspaces: Vec<core::globallogic::WorkspaceRuns> = from_js(workspaces)?;
    to_js(&core::globallogic::runs_of(&workspaces, base_url))
}

/// An organization's health after a sync outcome (`previous` may be null).
#[wasm_bindgen(js_name = recordSyncOutcome)]
pub fn record_sync_outcome(previous: JsValue, outcome: JsValue) -> Result<JsValue, JsValue> {
    let previous: Option<core::availability::OrganizationHealth> = from_js(previous)?;
    let outcome: core::availability::SyncOutcome = from_js(outcome)?;
    to_js(&core::availability::record(previous, &outcome))
}

/// The problem pages show for an organization's health, or null.
#[wasm_bindgen(js_name = syncProblem)]
pub fn sync_problem(health: JsValue) -> Result<JsValue, JsValue> {
    let health: core::availability::OrganizationHealth = from_js(health)?;
    to_js(&core::availability::problem(&health))
}

/// The GlobalLogic frontend's assessment result of a workspace entity, or null.
#[wasm_bindgen(js_name = globallogicAssessment)]
pub fn globallogic_assessment(entity: JsValue) -> Result<JsValue, JsValue> {
    let entity: core::Entity = from_js(entity)?;
    to_js(&core::globallogic::assessment(&entity))
}

/// `{workspace, run, summary, drift}` of a workspace entity (`record` may be null).
#[wasm_bindgen(js_name = workspaceStatus)]
pub fn workspace_status(entity: JsValue, record: JsValue) -> Result<JsValue, JsValue> {
    let entity: core::Entity = from_js(entity)?;
    let record: Option<core::run::RunRecord> = from_js(record)?;
    to_js(&core::run::workspace_status(&entity, record.as_ref()))
}

/// The workspace state after a fact (`state` may be null), or null when nothing changes.
#[wasm_bindgen(js_name = mergeWorkspace)]
pub fn merge_workspace(state: JsValue, fact: JsValue) -> Result<JsValue, JsValue> {
    let state: Option<core::state::WorkspaceState> = from_js(state)?;
    let fact: core::state::Fact = from_js(fact)?;
    to_js(&core::state::merge(state.as_ref(), &fact))
}

/// The catalog entity of a workspace state.
#[wasm_bindgen(js_name = renderWorkspace)]
pub fn render_workspace(state: JsValue) -> Result<JsValue, JsValue> {
    let state: core::state::WorkspaceState = from_js(state)?;
    to_js(&core::state::render(&state))
}

/// The fact a notification carries, or null.
#[wasm_bindgen(js_name = factFromNotification)]
pub fn fact_from_notification(notification: JsValue) -> Result<JsValue, JsValue> {
    let notification: core::notification::Notification = from_js(notification)?;
    to_js(&core::state::Fact::from_notification(&notification))
}

/// The fact a run record holds.
#[wasm_bindgen(js_name = factFromRecord)]
pub fn fact_from_record(record: JsValue) -> Result<JsValue, JsValue> {
    let record: core::run::RunRecord = from_js(record)?;
    to_js(&core::state::Fact::from_record(&record))
}

/// The fact an incremental refresh found.
#[wasm_bindgen(js_name = factFromRunUpdate)]
pub fn fact_from_run_update(update: JsValue) -> Result<JsValue, JsValue> {
    let update: core::run::RunUpdate = from_js(update)?;
    to_js(&core::state::Fact::from_run_update(&update))
}

/// The run record after a newer run fact, or null.
#[wasm_bindgen(js_name = recordWithFact)]
pub fn record_with_fact(record: JsValue, fact: JsValue) -> Result<JsValue, JsValue> {
    let record: core::run::RunRecord = from_js(record)?;
    let fact: core::state::Fact = from_js(fact)?;
    let core::state::Fact::Run { run, .. } = fact else {
        return Ok(JsValue::NULL);
    };
    to_js(&core::run::record_with_facts(&record, &run))
}

/// A record fetched from TFE merged with the stored one (`stored` may be null).
#[wasm_bindgen(js_name = mergeFetched)]
pub fn merge_fetched(stored: JsValue, fetched: JsValue, now_ms: f64) -> Result<JsValue, JsValue> {
    let stored: Option<core::run::RunRecord> = from_js(stored)?;
    let fetched: core::run::RunRecord = from_js(fetched)?;
    to_js(&core::run::merge_fetched(stored.as_ref(), fetched, now_ms as u64))
}

/// The records of a workspace's run list text (runs of other workspaces left out).
#[wasm_bindgen(js_name = recordsFromList)]
pub fn records_from_list(text: &str, workspace_id: &str, workspace_name: &str, context: JsValue) -> Result<JsValue, JsValue> {
    let context: core::run::RunContext = from_js(context)?;
    to_js(&core::run::records_from_list(text, workspace_id, workspace_name, &context).map_err(js_error)?)
}

/// `{historyLength, runListIntervalMs}`: how much run history is kept per workspace, and the pace
/// of on-demand run-list reads.
#[wasm_bindgen(js_name = historyPolicy)]
pub fn history_policy() -> Result<JsValue, JsValue> {
    to_js(&serde_json::json!({
        "historyLength": core::run::HISTORY_LENGTH,
        "runListIntervalMs": core::sync::run_list_interval_ms(),
    }))
}

/// Throws unless the organizations can be configured together (each once, own namespaces).
#[wasm_bindgen(js_name = checkOrganizations)]
pub fn check_organizations(configs: JsValue) -> Result<(), JsValue> {
    let configs: Vec<core::SyncConfig> = from_js(configs)?;
    core::sync::check_organizations(&configs).map_err(js_error)
}

/// `{workspaceName, entityRef, currentRunId, blueprint, refreshKeys}` of a workspace state.
#[wasm_bindgen(js_name = registryEntry)]
pub fn registry_entry(state: JsValue) -> Result<JsValue, JsValue> {
    let state: core::state::WorkspaceState = from_js(state)?;
    to_js(&core::state::registry_entry(&state))
}

/// The refresh key of a workspace selector, or null.
#[wasm_bindgen(js_name = selectorRefreshKey)]
pub fn selector_refresh_key(selector: JsValue) -> Result<Option<String>, JsValue> {
    let selector: core::service::WorkspaceSelector = from_js(selector)?;
    Ok(selector.refresh_key())
}

/// `{tfeId, workspaceId}` of an entity: the TFE object it was made from, and whether it is a
/// workspace's `Resource`.
#[wasm_bindgen(js_name = entityIds)]
pub fn entity_ids(entity: JsValue) -> Result<JsValue, JsValue> {
    let entity: core::Entity = from_js(entity)?;
    to_js(&serde_json::json!({ "tfeId": entity.tfe_id(), "workspaceId": entity.workspace_id() }))
}

/// One organization's sync; see `tfe_catalog_core::sync`.
#[wasm_bindgen]
pub struct SyncPlanner(core::SyncPlanner);

#[wasm_bindgen]
impl SyncPlanner {
    /// Validates the configuration and starts a sync.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<SyncPlanner, JsValue> {
        let config: core::SyncConfig = from_js(config)?;
        core::SyncPlanner::new(config).map(SyncPlanner).map_err(js_error)
    }

    /// `{type: "request" | "wait" | "done" | "failed", ...}`.
    pub fn poll(&mut self, now_ms: f64) -> Result<JsValue, JsValue> {
        to_js(&self.0.poll_output(now_ms as u64))
    }

    /// `{type: "response", id, status, headers, body}` or `{type: "transportError", id, message}`.
    #[wasm_bindgen(js_name = handleInput)]
    pub fn handle_input(&mut self, input: JsValue, now_ms: f64) -> Result<(), JsValue> {
        let input: core::Input = from_js(input)?;
        self.0.handle_input(input, now_ms as u64);
        Ok(())
    }
}
