//! WebAssembly bindings of `tfe-catalog-core`. No decisions live here: every function converts its
//! input, calls the core, and converts the result back.
//!
//! One face, one artifact: with the `cabi` feature this crate is a plain core module with a
//! versioned C ABI (documented in `cabi.rs`), which Node (`js-shim/src/core.js`, about 60 lines
//! of glue, no wasm-bindgen) and the wasmtime host (`crates/host/src/guest.rs`) both load. See
//! README.md, "How it is built", for the measured comparison with wasm-bindgen and a component.

#[cfg(feature = "cabi")]
pub mod cabi;
