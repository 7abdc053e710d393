//! Builds the guest (`tfe-catalog-wasm` with the `cabi` face) for wasmtime and exposes its path as
//! `GUEST_WASM`, so that the CLI embeds, and `cargo test` runs, the guest built from the very
//! sources being tested: never a stale `.wasm`. (The pattern of wasmtime's test-programs-artifacts.)

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest_dir.join("../..").canonicalize().expect("workspace root exists");
    for watched in [
        "Cargo.toml",
        "crates/core/src",
        "crates/core/Cargo.toml",
        "crates/wasm/src",
        "crates/wasm/Cargo.toml",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(watched).display());
    }
    // A target dir of its own: the outer build holds the lock on `target/`.
    let target_dir = workspace.join("target/guest");
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .current_dir(&workspace)
        .args(["build", "--quiet", "-p", "tfe-catalog-wasm", "--features", "cabi"])
        .args(["--target", "wasm32-unknown-unknown", "--profile", "wasm", "--target-dir"])
        .arg(&target_dir)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .status()
        .expect("cargo runs");
    assert!(
        status.success(),
        "building the wasm guest failed (is the target installed? `rustup target add wasm32-unknown-unknown`)"
    );
    let wasm = target_dir.join("wasm32-unknown-unknown/wasm/tfe_catalog_wasm.wasm");
    println!("cargo:rustc-env=GUEST_WASM={}", wasm.display());
}
