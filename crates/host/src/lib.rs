//! The tfe-catalog host: runs the core as WebAssembly in wasmtime ([`guest`]) or natively, behind
//! one interface ([`Core`]), and drives the core's planners with real I/O.

pub mod guest;
pub mod port;
pub mod serve;
pub mod sync;

use tfe_catalog_core as core;

/// The guest module, built from this checkout's sources by `build.rs`.
pub const GUEST_WASM: &[u8] = include_bytes!(env!("GUEST_WASM"));

/// Where the core runs.
pub enum Core {
    /// Compiled into this binary.
    Native,
    /// The wasm guest inside wasmtime.
    Wasm(guest::Guest),
}

impl Core {
    /// The wasm guest, or the native core when `native`.
    pub fn new(native: bool) -> Result<Self, guest::GuestError> {
        Ok(if native { Core::Native } else { Core::Wasm(guest::Guest::new()?) })
    }

    /// Maps documents to the canonical entity JSON text. The outer error is the runtime's, the
    /// inner one the core's message about the input.
    pub fn map(&mut self, request: &core::MapRequest) -> Result<Result<String, String>, guest::GuestError> {
        match self {
            Core::Native => Ok(core::map_request(request).map_err(|e| e.to_string())),
            Core::Wasm(guest) => guest.map(request),
        }
    }
}
