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
