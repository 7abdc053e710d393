//! The C-ABI face, loaded by the wasmtime host as a core module.
//!
//! Protocol: the host allocates a buffer with `tc_alloc`, writes UTF-8 JSON into it, and calls an
//! operation with `(ptr, len)`. The operation frees the buffer, returns 0 on success or 1 on error,
//! and leaves its UTF-8 result (JSON, or an error message) for `tc_result_ptr`/`tc_result_len`,
//! valid until the next call. Planners live in a table and are named by a handle.

use std::cell::RefCell;
use std::collections::BTreeMap;

use tfe_catalog_core as core;

thread_local! {
    static RESULT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static PLANNERS: RefCell<BTreeMap<u32, core::SyncPlanner>> = const { RefCell::new(BTreeMap::new()) };
    static NEXT_HANDLE: RefCell<u32> = const { RefCell::new(1) };
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

fn respond(result: Result<String, String>) -> u32 {
    let (code, text) = match result {
        Ok(text) => (0, text),
        Err(text) => (1, text),
    };
    RESULT.with(|r| *r.borrow_mut() = text.into_bytes());
    code
}

fn with_json<T: serde::de::DeserializeOwned>(
    ptr: *mut u8,
    len: u32,
    f: impl FnOnce(T) -> Result<String, String>,
) -> u32 {
    // SAFETY: every exported operation documents that `(ptr, len)` comes from `tc_alloc`.
    let bytes = unsafe { take_input(ptr, len) };
    respond(serde_json::from_slice::<T>(&bytes).map_err(|e| format!("invalid input: {e}")).and_then(f))
}

/// `MapRequest` JSON → entity JSON text (the canonical bytes).
#[unsafe(no_mangle)]
pub extern "C" fn tc_map(ptr: *mut u8, len: u32) -> u32 {
    with_json(ptr, len, |req: core::MapRequest| core::map_request(&req).map_err(|e| e.to_string()))
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
            .map(|()| String::new())
            .map_err(|e| e.to_string())
    })
}

/// The raw body bytes → the normalised notification as JSON.
#[unsafe(no_mangle)]
pub extern "C" fn tc_notification_parse(ptr: *mut u8, len: u32) -> u32 {
    // SAFETY: `(ptr, len)` comes from `tc_alloc`, as for every operation.
    let body = unsafe { take_input(ptr, len) };
    respond(
        core::notification::parse_notification(&body)
            .map_err(|e| e.to_string())
            .and_then(|n| serde_json::to_string_pretty(&n).map_err(|e| e.to_string())),
    )
}

/// `SyncConfig` JSON → `{"handle": n}`.
#[unsafe(no_mangle)]
pub extern "C" fn tc_planner_new(ptr: *mut u8, len: u32) -> u32 {
    with_json(ptr, len, |config: core::SyncConfig| {
        let planner = core::SyncPlanner::new(config).map_err(|e| e.to_string())?;
        let handle = NEXT_HANDLE.with(|n| {
            let mut n = n.borrow_mut();
            *n += 1;
            *n - 1
        });
        PLANNERS.with(|p| p.borrow_mut().insert(handle, planner));
        Ok(format!("{{\"handle\":{handle}}}"))
    })
}

fn with_planner<R>(handle: u32, f: impl FnOnce(&mut core::SyncPlanner) -> R) -> Result<R, String> {
    PLANNERS.with(|p| p.borrow_mut().get_mut(&handle).map(f).ok_or_else(|| format!("no planner {handle}")))
}

/// The planner's next output as JSON.
#[unsafe(no_mangle)]
pub extern "C" fn tc_planner_poll(handle: u32, now_ms: u64) -> u32 {
    respond(
        with_planner(handle, |p| serde_json::to_string(&p.poll_output(now_ms)).map_err(|e| e.to_string()))
            .and_then(|r| r),
    )
}

/// Hands an `Input` (JSON) to the planner.
#[unsafe(no_mangle)]
pub extern "C" fn tc_planner_input(handle: u32, ptr: *mut u8, len: u32, now_ms: u64) -> u32 {
    with_json(ptr, len, |input: core::Input| {
        with_planner(handle, |p| p.handle_input(input, now_ms)).map(|()| String::new())
    })
}

/// Frees a planner.
#[unsafe(no_mangle)]
pub extern "C" fn tc_planner_drop(handle: u32) {
    PLANNERS.with(|p| p.borrow_mut().remove(&handle));
}
