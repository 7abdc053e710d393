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
            // Document by document, each text as raw bytes: never escaped into one JSON request.
            Core::Wasm(_) => {
                let mut mapping = match self.mapping(&request.options, request.format)? {
                    Ok(mapping) => mapping,
                    Err(message) => return Ok(Err(message)),
                };
                for d in &request.documents {
                    if let Err(message) = mapping.add(&d.name, &d.text)? {
                        return Ok(Err(message));
                    }
                }
                mapping.finish()
            }
        }
    }
}

/// A mapping fed one document at a time (`tfe-catalog map`): the host reads a file, hands it over
/// and drops it, so neither the host nor the guest ever holds the whole dump.
pub enum Mapping<'a> {
    /// In this binary.
    Native(core::Mapper),
    /// In the guest, named by a handle.
    Wasm(&'a mut guest::Guest, u32),
}

impl Core {
    /// Starts a mapping with these options, to this format.
    pub fn mapping(
        &mut self,
        options: &core::MapOptions,
        format: core::OutputFormat,
    ) -> Result<Result<Mapping<'_>, String>, guest::GuestError> {
        Ok(match self {
            Core::Native => Ok(Mapping::Native(core::Mapper::new(options.clone(), format))),
            Core::Wasm(guest) => {
                let args = serde_json::to_vec(&(options, format)).map_err(|e| guest::GuestError::Abi(e.to_string()))?;
                guest.call_operation("mapBegin", &args, &[])?.and_then(|handle| {
                    let handle = handle.parse().map_err(|_| format!("mapBegin answered {handle:?}"))?;
                    Ok(Mapping::Wasm(guest, handle))
                })
            }
        })
    }
}

impl Mapping<'_> {
    /// Folds in one document; the inner error is the core's message about it.
    pub fn add(&mut self, name: &str, text: &str) -> Result<Result<(), String>, guest::GuestError> {
        match self {
            Mapping::Native(mapper) => Ok(mapper.add(name, text).map_err(|e| e.to_string())),
            Mapping::Wasm(guest, handle) => {
                // The text travels as the payload, not escaped inside the JSON arguments.
                let args =
                    serde_json::to_vec(&(*handle, name, ())).map_err(|e| guest::GuestError::Abi(e.to_string()))?;
                Ok(guest.call_operation("mapAdd", &args, text.as_bytes())?.map(|_| ()))
            }
        }
    }

    /// The canonical entity JSON text.
    pub fn finish(self) -> Result<Result<String, String>, guest::GuestError> {
        match self {
            Mapping::Native(mapper) => Ok(mapper.finish().map_err(|e| e.to_string())),
            Mapping::Wasm(guest, handle) => guest.call_operation("mapFinish", format!("[{handle}]").as_bytes(), &[]),
        }
    }
}
