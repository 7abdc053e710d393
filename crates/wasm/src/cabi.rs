//! The contract between the core and every host: one core module, loaded as it is by wasmtime
//! (`crates/host/src/guest.rs`) and by Node (`js-shim/src/core.js`). ABI version: see [`tc_abi_version`].
//!
//! # The ABI (version 2: the wasmtime host drives the planner through `tc_call`, as Node does)
//!
//! Memory: the module exports `memory` (capped at 1 GiB by the build) and `tc_alloc(len) -> ptr`;
//! the host writes its input there. Every operation takes its input buffers back and frees them.
//!
//! Results: an operation returns a code and leaves its UTF-8 result for `tc_result_ptr()` /
//! `tc_result_len()`, valid until the next call:
//! - `0`: the result is JSON text;
//! - `1`: the result is the core's error message (the input is at fault, not the runtime);
//! - `2`: the result is plain text (canonical entity JSON, returned byte for byte).
//!
//! A trap (a bug, or memory exhausted) is the runtime's failure: hosts replace the instance.
//!
//! Operations:
//! - `tc_call(name_ptr, name_len, args_ptr, args_len, payload_ptr, payload_len)`: the operation
//!   named `name` (a key of [`OPERATIONS`], camelCase, the same name the Node package exports) with
//!   `args`, a JSON array of its arguments in order, and `payload`, raw bytes for the one argument
//!   that is a body (a notification's bytes, a TFE response body, a document's text): it is sent
//!   as `null` in `args` and as bytes beside them, so that large bodies are neither escaped nor
//!   unescaped. This is what Node uses. The name `operations` answers the list of names.
//!   The wasmtime host drives the sync planner through the same operations (`plannerNew`,
//!   `plannerPoll`, `plannerEntities`, `plannerInput`, `plannerFree`).
//! - `tc_map`, `tc_notification_verify`, `tc_notification_parse`: the operations the wasmtime
//!   host calls directly, each with `(ptr, len)` of its JSON input.
//!
//! # Adding a function
//!
//! One line in [`OPERATIONS`]: `("camelCaseName", op!(|a: TypeA, b: TypeB| json(&core::f(&a, &b))))`.
//! Node then exports `camelCaseName(a, b)` with no other edit. `json` returns a value as JSON,
//! `text` a string as it is, `unit` nothing; `Err(String)` becomes a thrown `Error`. An argument
//! that is bytes (a `Buffer` or `Uint8Array` in Node) arrives as the payload: name it first,
//! `op!(body | token: Option<String>, _body: (), sig: Option<String> | ...)`, and type its place in
//! the tuple as `()`.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::Serialize;
use tfe_catalog_core as core;

/// The ABI version; bumped on any incompatible change of the exports or of an operation.
pub const ABI_VERSION: u32 = 2;

thread_local! {
    static RESULT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static PLANNERS: RefCell<BTreeMap<u32, core::SyncPlanner>> = const { RefCell::new(BTreeMap::new()) };
    static NEXT_HANDLE: RefCell<u32> = const { RefCell::new(1) };
    static MAPPERS: RefCell<BTreeMap<u32, core::Mapper>> = const { RefCell::new(BTreeMap::new()) };
    /// The entities of each planner's `done` snapshot, read in chunks by `plannerEntities`.
    static SNAPSHOTS: RefCell<BTreeMap<u32, Vec<core::json_text::JsonText<core::Entity>>>> = const { RefCell::new(BTreeMap::new()) };
}

/// What an operation answers.
pub enum Out {
    /// Serialized JSON (code 0).
    Json(String),
    /// Plain text (code 2).
    Text(String),
}

/// An operation: its JSON arguments (an array) and the payload bytes in, its result or the core's
/// error message out.
pub type Operation = fn(&[u8], Vec<u8>) -> Result<Out, String>;

/// A value as JSON.
///
/// The text is written into a buffer of its exact size, measured by a first pass: a large result
/// (a sync's `done` with every workspace's outputs, a chunk of entities) is held while the
/// snapshot is, and a buffer grown by doubling would take up to three times its size at once.
fn json<T: Serialize>(value: &T) -> Result<Out, String> {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(count.0);
    serde_json::to_writer(&mut bytes, value).map_err(|e| e.to_string())?;
    // serde_json writes UTF-8 only.
    String::from_utf8(bytes).map(Out::Json).map_err(|e| e.to_string())
}

/// A string as it is.
fn text(value: String) -> Result<Out, String> {
    Ok(Out::Text(value))
}

/// No value (`null`).
fn unit() -> Result<Out, String> {
    Ok(Out::Json("null".to_owned()))
}

/// Reads the arguments of an operation, a JSON array, into a tuple. With a leading `payload`
/// name, the operation also takes the raw payload bytes (empty when none was sent).
macro_rules! op {
    (| | $body:expr) => {
        |_: &[u8], _: Vec<u8>| -> Result<Out, String> { $body }
    };
    ($payload:ident | $($arg:ident: $ty:ty),* | $body:expr) => {
        |args: &[u8], $payload: Vec<u8>| -> Result<Out, String> {
            #[allow(unused_parens)]
            let ($($arg,)*): ($($ty,)*) =
                serde_json::from_slice(args).map_err(|e| format!("invalid arguments: {e}"))?;
            $body
        }
    };
    (|$($arg:ident: $ty:ty),*| $body:expr) => {
        op!(_payload | $($arg: $ty),* | $body)
    };
}

/// Every operation Node calls, by the name it exports. (Not rustfmt's: it would write `op!(| | …)`
/// as `op!(|| …)`, which the macro does not match.)
#[rustfmt::skip]
pub const OPERATIONS: &[(&str, Operation)] = &[
    ("abiVersion", op!(| | json(&ABI_VERSION))),
    ("constants", op!(| | json(&core::catalog::constants()))),
    ("mapDocuments", op!(|request: core::MapRequest| core::map_request(&request).map_err(err).and_then(text))),
    ("serviceSelectors", op!(|entity: core::service::AnnotatedEntity| json(&core::service::selectors(&entity)))),
    ("statusSelectors", op!(|entity: core::service::AnnotatedEntity| json(&core::service::status_selectors(&entity)))),
    (
        "serviceRelations",
        op!(|entity: core::service::AnnotatedEntity, resolved: Vec<core::service::Resolved>| json(
            &core::service::relations(&entity, &resolved)
        )),
    ),
    (
        "parseNotification",
        op!(body | _body: () | json(&core::notification::parse_notification(&body).map_err(err)?)),
    ),
    (
        "recordFromDocument",
        op!(|text: String, context: core::run::RunContext| json(
            &core::run::record_from_document(&text, &context).map_err(err)?
        )),
    ),
    (
        "recordFromEvent",
        op!(|previous: Option<core::run::RunRecord>, event: core::notification::RunEvent| json(
            &core::run::record_from_event(previous, &event)
        )),
    ),
    (
        "needsFetch",
        op!(|record: Option<core::run::RunRecord>, now_ms: f64| json(&core::run::needs_fetch(record.as_ref(), now_ms as u64))),
    ),
    (
        "needsStatusFetch",
        op!(|record: Option<core::run::RunRecord>, now_ms: f64| json(
            &core::run::needs_status_fetch(record.as_ref(), now_ms as u64)
        )),
    ),
    ("statusView", op!(|record: core::run::RunRecord| json(&core::run::status_view(&record)))),
    (
        "globallogicRuns",
        op!(|workspaces: Vec<core::globallogic::WorkspaceRuns>, base_url: String| json(
            &core::globallogic::runs_of(&workspaces, &base_url)
        )),
    ),
    (
        "recordSyncOutcome",
        op!(|previous: Option<core::availability::OrganizationHealth>, outcome: core::availability::SyncOutcome| json(
            &core::availability::record(previous, &outcome)
        )),
    ),
    ("syncProblem", op!(|health: core::availability::OrganizationHealth| json(&core::availability::problem(&health)))),
    ("globallogicAssessment", op!(|entity: core::Entity| json(&core::globallogic::assessment(&entity)))),
    (
        "workspaceStateStatus",
        op!(|state: core::state::WorkspaceState, record: Option<core::run::RunRecord>| json(
            &core::run::state_status(&state, record.as_ref())
        )),
    ),
    ("serviceOutputLinks", op!(|workspace: core::Entity| json(&core::service::output_links(&workspace)))),
    ("runIncludes", op!(| | json(&serde_json::json!({"run": core::run::RUN_INCLUDE, "runList": core::run::RUN_LIST_INCLUDE})))),
    // Webhooks and what the plugin trusts (tokens, hosts, the request budget).
    (
        "receiveNotification",
        op!(body | organization: String, auth: Option<WebhookSettings>, _body: (), signature: Option<String> | json(
            &receive_notification(&organization, auth.as_ref(), &body, signature.as_deref())
        )),
    ),
    (
        "checkToken",
        op!(|setting: String, token: String| {
            core::token::check_token(&setting, &token).map_err(err)?;
            unit()
        }),
    ),
    (
        "checkBaseUrl",
        op!(|base_url: String, allow_insecure_http: bool| json(
            &core::origin::check_base_url(&base_url, allow_insecure_http).map_err(err)?
        )),
    ),
    (
        "planLogSource",
        op!(|text: String, base_url: String, allow_insecure_http: bool| json(
            &core::plan_log::source(&text, &base_url, allow_insecure_http).map_err(err)?
        )),
    ),
    (
        "planLogLimits",
        op!(| | {
            let max = core::plan_log::MAX_LOG_BYTES;
            json(&serde_json::json!({ "maxBytes": max, "cutNote": core::plan_log::cut_note(max) }))
        }),
    ),
    (
        "budgetReserve",
        op!(|state: Option<core::budget::BudgetState>, config: Option<core::budget::BudgetConfig>, now_ms: f64, class: core::budget::Class| {
            let (mut state, config) = (state.unwrap_or_default(), config.unwrap_or_default());
            let decision = core::budget::reserve(&mut state, &config, now_ms as u64, class);
            json(&serde_json::json!({ "state": state, "decision": decision }))
        }),
    ),
    (
        "budgetObserve",
        op!(|state: Option<core::budget::BudgetState>, config: Option<core::budget::BudgetConfig>, now_ms: f64, status: u16, headers: Vec<(String, String)>, attempt: u32| {
            let (mut state, config) = (state.unwrap_or_default(), config.unwrap_or_default());
            let verdict = core::budget::observe(&mut state, &config, now_ms as u64, status, &headers, attempt);
            json(&serde_json::json!({ "state": state, "verdict": verdict }))
        }),
    ),
    // The one owner of state: facts merged by TFE's timestamps, entities rendered from the state.
    (
        "mergeWorkspace",
        op!(|state: Option<core::state::WorkspaceState>, fact: core::state::Fact| json(
            &core::state::merge(state.as_ref(), &fact)
        )),
    ),
    ("renderWorkspace", op!(|state: core::state::WorkspaceState| json(&core::state::render(&state)))),
    ("registryEntry", op!(|state: core::state::WorkspaceState| json(&core::state::registry_entry(&state)))),
    (
        "factFromNotification",
        op!(|notification: core::notification::Notification| json(
            &core::state::Fact::from_notification(&notification)
        )),
    ),
    ("factFromRecord", op!(|record: core::run::RunRecord| json(&core::state::Fact::from_record(&record)))),
    ("factFromRunUpdate", op!(|update: core::run::RunUpdate| json(&core::state::Fact::from_run_update(&update)))),
    (
        "recordWithFact",
        op!(|record: core::run::RunRecord, fact: core::state::Fact| json(&match fact {
            core::state::Fact::Run { run, .. } => core::run::record_with_facts(&record, &run),
            _ => None,
        })),
    ),
    (
        "mergeFetched",
        op!(|stored: Option<core::run::RunRecord>, fetched: core::run::RunRecord, now_ms: f64| json(
            &core::run::merge_fetched(stored.as_ref(), fetched, now_ms as u64)
        )),
    ),
    (
        "recordsFromList",
        op!(|text: String, workspace_id: String, workspace_name: String, context: core::run::RunContext| json(
            &core::run::records_from_list(&text, &workspace_id, &workspace_name, &context).map_err(err)?
        )),
    ),
    (
        "historyPolicy",
        op!(| | json(&serde_json::json!({
            "historyLength": core::run::HISTORY_LENGTH,
            "runListIntervalMs": core::sync::run_list_interval_ms(),
        }))),
    ),
    (
        "checkOrganizations",
        op!(|configs: Vec<core::SyncConfig>| {
            core::sync::check_organizations(&configs).map_err(err)?;
            unit()
        }),
    ),
    (
        "selectorRefreshKey",
        op!(|selector: core::service::WorkspaceSelector| json(&selector.refresh_key())),
    ),
    (
        "entityIds",
        op!(|entity: core::Entity| json(&serde_json::json!({ "tfeId": entity.tfe_id(), "workspaceId": entity.workspace_id() }))),
    ),
    (
        "serviceInfrastructure",
        op!(|resolved: Vec<core::service::Resolved>| json(&core::service::infrastructure_annotations(&resolved))),
    ),
    (
        "infrastructureHealth",
        op!(|workspaces: Vec<core::service::AnnotatedEntity>| json(&core::health::health(
            workspaces.iter().map(|w| &w.metadata.annotations)
        ))),
    ),
    (
        "withSystemHealth",
        op!(|model: Vec<core::Entity>, workspaces: Vec<core::service::AnnotatedEntity>| json(
            &core::health::with_system_health(model, &workspaces)
        )),
    ),
    // Alerts to owners: checked settings, the alerts a merge is due, and who receives one.
    (
        "alertSettings",
        op!(|config: Option<core::alert::AlertConfig>| json(&core::alert::settings(config.as_ref()).map_err(err)?)),
    ),
    (
        "alertsFor",
        op!(|settings: core::alert::AlertSettings, merged: core::alert::Merged| json(&core::alert::alerts(&settings, &merged))),
    ),
    (
        "alertRecipients",
        op!(|owner: String, dependents: Vec<core::alert::Dependent>| json(&core::alert::recipients(&owner, &dependents))),
    ),
    // A mapping fed one document at a time (the host's `map` of a dump): `mapBegin(options, format)`
    // gives a handle, `mapAdd(handle, name, text)` folds a document in, `mapFinish(handle)` answers
    // the entity text (and frees the mapping, as does an error).
    (
        "mapBegin",
        op!(|options: core::MapOptions, format: core::OutputFormat| {
            let handle = next_handle();
            MAPPERS.with(|m| m.borrow_mut().insert(handle, core::Mapper::new(options, format)));
            json(&handle)
        }),
    ),
    (
        "mapAdd",
        op!(text | handle: u32, name: String, _text: () | {
            let text = String::from_utf8(text).map_err(|e| format!("{name}: not UTF-8: {e}"))?;
            let added = MAPPERS.with(|m| match m.borrow_mut().get_mut(&handle) {
                Some(mapper) => mapper.add(&name, &text).map_err(err),
                None => Err(format!("no mapping {handle}")),
            });
            if added.is_err() {
                MAPPERS.with(|m| m.borrow_mut().remove(&handle));
            }
            added?;
            unit()
        }),
    ),
    (
        "mapFinish",
        op!(|handle: u32| {
            let mapper = MAPPERS.with(|m| m.borrow_mut().remove(&handle)).ok_or(format!("no mapping {handle}"))?;
            mapper.finish().map_err(err).and_then(text)
        }),
    ),
    // The sync planner, named by a handle: `new SyncPlanner(config)`, `poll`, `handleInput`, `free`.
    ("plannerNew", op!(|config: core::SyncConfig| json(&new_planner(config)?))),
    (
        "plannerPoll",
        op!(|handle: u32, now_ms: f64| poll_keeping_entities(handle, with_planner(handle, |p| p.poll_output(now_ms as u64))?)),
    ),
    // A `done` snapshot's entities, `count` from `start`: they stay here after `plannerPoll`
    // (which says how many there are, and how many to read at once), so that no single result
    // holds the whole organization.
    (
        "plannerEntities",
        op!(|handle: u32, start: usize, count: usize| SNAPSHOTS.with(|s| {
            let s = s.borrow();
            let entities = s.get(&handle).ok_or(format!("no snapshot of planner {handle}"))?;
            let (start, end) = (start.min(entities.len()), start.saturating_add(count).min(entities.len()));
            json(&&entities[start..end])
        })),
    ),
    (
        "plannerInput",
        op!(body | handle: u32, input: core::Input, now_ms: f64 | {
            let mut input = input;
            // The response body comes as the payload (not inside the JSON, where it would be
            // escaped and unescaped); TFE's bodies are UTF-8 JSON, anything else is lossily decoded
            // and then refused by the parser.
            if let core::Input::Response(response) = &mut input {
                if !body.is_empty() {
                    response.body = String::from_utf8(body).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                }
            }
            with_planner(handle, |p| p.handle_input(input, now_ms as u64))?;
            unit()
        }),
    ),
    (
        "plannerFree",
        op!(|handle: u32| {
            PLANNERS.with(|p| p.borrow_mut().remove(&handle));
            SNAPSHOTS.with(|s| s.borrow_mut().remove(&handle));
            unit()
        }),
    ),
    // Test only: traps (a Rust panic is a wasm `unreachable`), so that tests can prove a trap fails
    // one call and the next call runs on a fresh instance.
    ("__trapForTests", op!(| | panic!("trap requested by a test"))),
];

/// An organization's webhook settings as the plugin passes them: its token, and whether unsigned
/// notifications are accepted (`allowUnsignedNotifications`; a token always wins).
#[derive(serde::Deserialize)]
struct WebhookSettings {
    token: Option<String>,
    #[serde(default)]
    unsigned: bool,
}

/// `{accepted: notification}` or `{refused: "unauthenticated" | "invalid" | "mismatch", message}`
/// (`core::notification::receive`); `auth` is null for an unknown organization.
fn receive_notification(
    organization: &str,
    auth: Option<&WebhookSettings>,
    body: &[u8],
    signature: Option<&str>,
) -> serde_json::Value {
    use core::notification::{NotificationError, WebhookAuth, receive};
    let auth = match auth {
        None => WebhookAuth::UnknownOrganization,
        Some(WebhookSettings { token: Some(token), .. }) => WebhookAuth::Token(token),
        Some(WebhookSettings { unsigned: true, .. }) => WebhookAuth::Unsigned,
        Some(_) => WebhookAuth::NotConfigured,
    };
    match receive(organization, auth, body, signature) {
        Ok(notification) => serde_json::json!({ "accepted": notification }),
        Err(e) => {
            let refused = match &e {
                e if e.is_unauthenticated() => "unauthenticated",
                NotificationError::OrganizationMismatch { .. } => "mismatch",
                _ => "invalid",
            };
            serde_json::json!({ "refused": refused, "message": e.to_string() })
        }
    }
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn next_handle() -> u32 {
    NEXT_HANDLE.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1;
        *n - 1
    })
}

fn new_planner(config: core::SyncConfig) -> Result<u32, String> {
    let planner = core::SyncPlanner::new(config).map_err(err)?;
    let handle = next_handle();
    PLANNERS.with(|p| p.borrow_mut().insert(handle, planner));
    Ok(handle)
}

/// Entities per `plannerEntities` read, as a `done` output tells every host (`entityChunk`): a
/// chunk's JSON is about a megabyte, whatever the size of the organization.
const ENTITY_CHUNK: usize = 500;

/// A planner's output as JSON; a `done` snapshot without its entities, which stay for
/// `plannerEntities`, and with `entityCount` and `entityChunk`. Serialized straight to text: a
/// `Value` tree of the snapshot's outputs would cost many times their size in memory, while the
/// entities are held.
fn poll_keeping_entities(handle: u32, output: core::Output) -> Result<Out, String> {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Done<'a> {
        #[serde(flatten)]
        output: &'a core::Output,
        entity_count: usize,
        entity_chunk: usize,
    }
    let core::Output::Done(mut snapshot) = output else { return json(&output) };
    let entities = std::mem::take(&mut snapshot.entities);
    let done = Done { entity_count: entities.len(), entity_chunk: ENTITY_CHUNK, output: &core::Output::Done(snapshot) };
    let text = json(&done);
    SNAPSHOTS.with(|s| s.borrow_mut().insert(handle, entities));
    text
}

fn with_planner<R>(handle: u32, f: impl FnOnce(&mut core::SyncPlanner) -> R) -> Result<R, String> {
    PLANNERS.with(|p| p.borrow_mut().get_mut(&handle).map(f).ok_or_else(|| format!("no planner {handle}")))
}

/// The ABI version (see the module documentation).
#[unsafe(no_mangle)]
pub extern "C" fn tc_abi_version() -> u32 {
    ABI_VERSION
}

/// Allocates `len` bytes for the host to write an input into.
#[unsafe(no_mangle)]
pub extern "C" fn tc_alloc(len: u32) -> *mut u8 {
    let mut buf = Vec::<u8>::with_capacity(len as usize);
    let ptr = buf.as_mut_ptr();
    std::mem::forget(buf);
    ptr
}

/// Where the last result starts.
#[unsafe(no_mangle)]
pub extern "C" fn tc_result_ptr() -> *const u8 {
    RESULT.with(|r| r.borrow().as_ptr())
}

/// How long the last result is.
#[unsafe(no_mangle)]
pub extern "C" fn tc_result_len() -> u32 {
    RESULT.with(|r| r.borrow().len() as u32)
}

/// Takes back a buffer from `tc_alloc`.
///
/// # Safety
/// `ptr` and `len` must come from one `tc_alloc` call, filled with `len` bytes by the host.
unsafe fn take_input(ptr: *mut u8, len: u32) -> Vec<u8> {
    // SAFETY: the caller passes a buffer `tc_alloc` made with capacity `len`, and has written `len`
    // bytes into it.
    unsafe { Vec::from_raw_parts(ptr, len as usize, len as usize) }
}

fn respond(result: Result<Out, String>) -> u32 {
    let (code, text) = match result {
        Ok(Out::Json(text)) => (0, text),
        Err(text) => (1, text),
        Ok(Out::Text(text)) => (2, text),
    };
    RESULT.with(|r| *r.borrow_mut() = text.into_bytes());
    code
}

/// Runs the operation named by the UTF-8 bytes at `(name_ptr, name_len)` on the JSON array of
/// arguments at `(args_ptr, args_len)`, with the raw payload at `(payload_ptr, payload_len)` (a
/// body: passed as bytes, not escaped inside the JSON; `len` 0 for none). Every buffer comes from
/// `tc_alloc`, except a payload of length 0, which is not read.
#[unsafe(no_mangle)]
pub extern "C" fn tc_call(
    name_ptr: *mut u8,
    name_len: u32,
    args_ptr: *mut u8,
    args_len: u32,
    payload_ptr: *mut u8,
    payload_len: u32,
) -> u32 {
    // SAFETY: the ABI says the buffers come from `tc_alloc`, filled by the host.
    let (name, args) = unsafe { (take_input(name_ptr, name_len), take_input(args_ptr, args_len)) };
    // SAFETY: as above; a zero length means no buffer was allocated.
    let payload = if payload_len == 0 { Vec::new() } else { unsafe { take_input(payload_ptr, payload_len) } };
    let result = match OPERATIONS.iter().find(|(n, _)| n.as_bytes() == name.as_slice()) {
        Some((_, operation)) => operation(&args, payload),
        // The list of names, so that a loader exports every operation without knowing them.
        None if name == b"operations" => json(&OPERATIONS.iter().map(|(n, _)| *n).collect::<Vec<_>>()),
        None => Err(format!("no operation {:?}", String::from_utf8_lossy(&name))),
    };
    // Frees the arguments before the result is kept: a page body is not held twice.
    drop(args);
    respond(result)
}

fn with_json<T: serde::de::DeserializeOwned>(ptr: *mut u8, len: u32, f: impl FnOnce(T) -> Result<Out, String>) -> u32 {
    // SAFETY: every exported operation documents that `(ptr, len)` comes from `tc_alloc`.
    let bytes = unsafe { take_input(ptr, len) };
    let input = serde_json::from_slice::<T>(&bytes).map_err(|e| format!("invalid input: {e}"));
    drop(bytes);
    respond(input.and_then(f))
}

/// `MapRequest` JSON → entity JSON text (the canonical bytes).
#[unsafe(no_mangle)]
pub extern "C" fn tc_map(ptr: *mut u8, len: u32) -> u32 {
    with_json(ptr, len, |req: core::MapRequest| core::map_request(&req).map_err(err).and_then(text))
}

/// `{"token", "body": [bytes], "signature"}` → `""`, or the reason the signature is refused.
#[unsafe(no_mangle)]
pub extern "C" fn tc_notification_verify(ptr: *mut u8, len: u32) -> u32 {
    #[derive(serde::Deserialize)]
    struct Input {
        token: Option<String>,
        body: Vec<u8>,
        signature: Option<String>,
    }
    with_json(ptr, len, |i: Input| {
        core::notification::verify_signature(i.token.as_deref(), &i.body, i.signature.as_deref())
            .map(|()| Out::Text(String::new()))
            .map_err(err)
    })
}

/// The raw body bytes → the normalised notification as JSON.
#[unsafe(no_mangle)]
pub extern "C" fn tc_notification_parse(ptr: *mut u8, len: u32) -> u32 {
    // SAFETY: `(ptr, len)` comes from `tc_alloc`, as for every operation.
    let body = unsafe { take_input(ptr, len) };
    respond(
        core::notification::parse_notification(&body)
            .map_err(err)
            .and_then(|n| serde_json::to_string_pretty(&n).map(Out::Json).map_err(err)),
    )
}
