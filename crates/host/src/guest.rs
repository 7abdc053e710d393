//! The wasm guest in wasmtime: owns the engine, the instance and every conversion across the C ABI
//! described in `crates/wasm/src/cabi.rs`. A trap (including running out of fuel or memory) is a
//! typed error, after which the instance is replaced by a fresh one.

use tfe_catalog_core as core;
use thiserror::Error;
use wasmtime::{Config, Engine, Instance, Memory, Module, Store, StoreLimits, StoreLimitsBuilder, TypedFunc};

/// Fuel of a call: a base, far more than any call on small state needs, plus an amount per byte
/// of the guest's memory, since the work of a call grows with the state it holds (the last call of
/// a mapping, or of a sync, maps and serializes every entity folded in before). Memory is capped,
/// so a runaway guest is still stopped.
const FUEL_PER_CALL: u64 = 50_000_000_000;
/// Fuel per byte of guest memory, on top of [`FUEL_PER_CALL`].
const FUEL_PER_MEMORY_BYTE: u64 = 200;
/// Guest memory limit.
const MEMORY_LIMIT: usize = 2 << 30;

/// A failure of the runtime, not of the input.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GuestError {
    /// The module could not be compiled or instantiated.
    #[error("wasm guest could not be loaded: {0}")]
    Load(String),
    /// The guest trapped (a bug, fuel or memory exhausted); the instance was replaced.
    #[error("wasm guest trapped: {0}")]
    Trap(String),
    /// The guest broke the ABI (a result outside its memory, not UTF-8, ...).
    #[error("wasm guest broke the ABI: {0}")]
    Abi(String),
}

struct Exports {
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    result_ptr: TypedFunc<(), u32>,
    result_len: TypedFunc<(), u32>,
    map: TypedFunc<(u32, u32), u32>,
    notification_verify: TypedFunc<(u32, u32), u32>,
    notification_parse: TypedFunc<(u32, u32), u32>,
    call: TypedFunc<(u32, u32, u32, u32, u32, u32), u32>,
}

/// One instance of the guest.
pub struct Guest {
    engine: Engine,
    module: Module,
    store: Store<StoreLimits>,
    exports: Exports,
}

impl Guest {
    /// Compiles and instantiates the embedded guest.
    pub fn new() -> Result<Self, GuestError> {
        let mut config = Config::new();
        config.consume_fuel(true);
        let engine = Engine::new(&config).map_err(|e| GuestError::Load(e.to_string()))?;
        let module = Module::new(&engine, crate::GUEST_WASM).map_err(|e| GuestError::Load(e.to_string()))?;
        let (store, exports) = instantiate(&engine, &module)?;
        Ok(Guest { engine, module, store, exports })
    }

    /// `tc_map`.
    pub fn map(&mut self, request: &core::MapRequest) -> Result<Result<String, String>, GuestError> {
        let input = serde_json::to_vec(request).map_err(|e| GuestError::Abi(e.to_string()))?;
        let f = self.exports.map.clone();
        self.call(|store, ptr, len| f.call(store, (ptr, len)), &input)
    }

    /// `tc_notification_verify`: `Ok` when the signature matches, else the core's reason.
    pub fn notification_verify(
        &mut self,
        token: Option<&str>,
        body: &[u8],
        signature: Option<&str>,
    ) -> Result<Result<(), String>, GuestError> {
        let input = serde_json::json!({ "token": token, "body": body, "signature": signature });
        let f = self.exports.notification_verify.clone();
        Ok(self.call(|s, p, l| f.call(s, (p, l)), input.to_string().as_bytes())?.map(|_| ()))
    }

    /// `tc_notification_parse`: the normalised notification as pretty JSON.
    pub fn notification_parse(&mut self, body: &[u8]) -> Result<Result<String, String>, GuestError> {
        let f = self.exports.notification_parse.clone();
        self.call(|s, p, l| f.call(s, (p, l)), body)
    }

    /// `tc_call`: the operation `name` on `args`, a JSON array of its arguments, with `payload`
    /// (raw bytes, or empty); the result text (JSON, or plain text for entity JSON), or the core's
    /// error message.
    pub fn call_operation(
        &mut self,
        name: &str,
        args: &[u8],
        payload: &[u8],
    ) -> Result<Result<String, String>, GuestError> {
        self.refuel()?;
        let (name_ptr, name_len) = self.put(name.as_bytes())?;
        let (payload_ptr, payload_len) = if payload.is_empty() { (0, 0) } else { self.put(payload)? };
        let f = self.exports.call.clone();
        self.call(|s, p, l| f.call(s, (name_ptr, name_len, p, l, payload_ptr, payload_len)), args)
    }

    /// Copies `bytes` into a `tc_alloc` buffer.
    fn put(&mut self, bytes: &[u8]) -> Result<(u32, u32), GuestError> {
        let len = u32::try_from(bytes.len()).map_err(|_| GuestError::Abi("input over 4 GiB".into()))?;
        let ptr = self.exports.alloc.call(&mut self.store, len).map_err(|e| self.trapped(e))?;
        self.exports.memory.write(&mut self.store, ptr as usize, bytes).map_err(|e| GuestError::Abi(e.to_string()))?;
        Ok((ptr, len))
    }

    /// Copies `input` into the guest, runs `f(ptr, len)`, and reads the result back.
    fn call(
        &mut self,
        f: impl FnOnce(&mut Store<StoreLimits>, u32, u32) -> wasmtime::Result<u32>,
        input: &[u8],
    ) -> Result<Result<String, String>, GuestError> {
        self.refuel()?;
        let len = u32::try_from(input.len()).map_err(|_| GuestError::Abi("input over 4 GiB".into()))?;
        let ptr = self.exports.alloc.call(&mut self.store, len).map_err(|e| self.trapped(e))?;
        self.exports.memory.write(&mut self.store, ptr as usize, input).map_err(|e| GuestError::Abi(e.to_string()))?;
        let code = f(&mut self.store, ptr, len).map_err(|e| self.trapped(e))?;
        let out_ptr = self.exports.result_ptr.call(&mut self.store, ()).map_err(|e| self.trapped(e))?;
        let out_len = self.exports.result_len.call(&mut self.store, ()).map_err(|e| self.trapped(e))?;
        let mut out = vec![0u8; out_len as usize];
        self.exports
            .memory
            .read(&self.store, out_ptr as usize, &mut out)
            .map_err(|e| GuestError::Abi(e.to_string()))?;
        let text = String::from_utf8(out).map_err(|e| GuestError::Abi(e.to_string()))?;
        // Code 1 is the core's error message; 0 (JSON) and 2 (text) are results.
        Ok(if code == 1 { Err(text) } else { Ok(text) })
    }

    /// Gives the next call its fuel, in proportion to the memory the guest holds.
    fn refuel(&mut self) -> Result<(), GuestError> {
        let held = self.exports.memory.data_size(&self.store) as u64;
        self.store.set_fuel(FUEL_PER_CALL + FUEL_PER_MEMORY_BYTE * held).map_err(|e| GuestError::Trap(e.to_string()))
    }

    /// Replaces the instance after a trap, and describes the trap.
    fn trapped(&mut self, error: wasmtime::Error) -> GuestError {
        if let Ok((store, exports)) = instantiate(&self.engine, &self.module) {
            self.store = store;
            self.exports = exports;
        }
        GuestError::Trap(format!("{error:#}"))
    }
}

fn instantiate(engine: &Engine, module: &Module) -> Result<(Store<StoreLimits>, Exports), GuestError> {
    let load = |e: wasmtime::Error| GuestError::Load(format!("{e:#}"));
    let limits = StoreLimitsBuilder::new().memory_size(MEMORY_LIMIT).build();
    let mut store = Store::new(engine, limits);
    store.limiter(|limits| limits);
    store.set_fuel(FUEL_PER_CALL).map_err(load)?;
    let instance = Instance::new(&mut store, module, &[]).map_err(load)?;
    let memory =
        instance.get_memory(&mut store, "memory").ok_or_else(|| GuestError::Load("no exported memory".into()))?;
    let exports = Exports {
        memory,
        alloc: instance.get_typed_func(&mut store, "tc_alloc").map_err(load)?,
        result_ptr: instance.get_typed_func(&mut store, "tc_result_ptr").map_err(load)?,
        result_len: instance.get_typed_func(&mut store, "tc_result_len").map_err(load)?,
        map: instance.get_typed_func(&mut store, "tc_map").map_err(load)?,
        notification_verify: instance.get_typed_func(&mut store, "tc_notification_verify").map_err(load)?,
        notification_parse: instance.get_typed_func(&mut store, "tc_notification_parse").map_err(load)?,
        call: instance.get_typed_func(&mut store, "tc_call").map_err(load)?,
    };
    Ok((store, exports))
}
