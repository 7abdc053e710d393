//! The corpus in wasmtime: the guest must give the exact bytes the native core gives (and that the
//! corpus expects).

#[path = "../../core/tests/corpus_cases/mod.rs"]
mod corpus_cases;

use tfe_catalog_host::Core;

#[test]
fn corpus_in_wasmtime_matches_native_byte_for_byte() {
    let mut wasm = Core::new(false).expect("guest loads");
    let mut native = Core::new(true).unwrap();
    let mut failures = Vec::new();
    for case in corpus_cases::cases() {
        let in_wasm = wasm.map(&case.request).expect("guest does not trap");
        let in_native = native.map(&case.request).unwrap();
        if in_wasm != in_native {
            failures.push(format!("{}: wasm and native differ", case.name));
        }
        // Checked against the corpus too, so that BLESS cannot make both runtimes agree on junk.
        if std::env::var("BLESS").is_err() {
            failures.extend(corpus_cases::check(&case, &in_wasm));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The Node package ships `js-shim/wasm/tfe_catalog.wasm` (its `files` list `wasm`); this is the
/// module the tests above ran, byte for byte. `scripts/build.sh` copies it there; a stale or
/// different copy fails here.
#[test]
fn the_node_package_ships_the_module_these_tests_ran() {
    use sha2::{Digest, Sha256};
    let shipped_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../js-shim/wasm/tfe_catalog.wasm");
    let shipped = std::fs::read(shipped_path)
        .unwrap_or_else(|e| panic!("{shipped_path}: {e} (build it with `bash scripts/build.sh`)"));
    let hash = |bytes: &[u8]| format!("{:x}", Sha256::digest(bytes));
    assert_eq!(
        hash(&shipped),
        hash(tfe_catalog_host::GUEST_WASM),
        "js-shim/wasm/tfe_catalog.wasm is not the guest cargo test runs: run `bash scripts/build.sh`"
    );
}
