//! WebAssembly bindings of `tfe-catalog-core`. No decisions live here: every function converts its
//! input, calls the core, and converts the result back.
//!
//! Two faces, built separately (they cannot share one module):
//! - `node`: wasm-bindgen, for the Backstage plugin (`wasm-bindgen --target nodejs`).
//! - `cabi`: a plain core module with a JSON-in/JSON-out C ABI, for the wasmtime host. Chosen over
//!   a WIT component because the contract already is JSON (the parity corpus compares JSON bytes),
//!   and it needs no component tooling: see README.md, "Why a core module for wasmtime".

#[cfg(all(feature = "node", target_family = "wasm"))]
mod node;

#[cfg(feature = "cabi")]
mod cabi;
