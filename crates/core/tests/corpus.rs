//! The corpus on the native core.

mod corpus_cases;

#[test]
fn corpus_native() {
    let failures: Vec<String> = corpus_cases::cases()
        .iter()
        .filter_map(|case| {
            let outcome = tfe_catalog_core::map_request(&case.request).map_err(|e| e.to_string());
            corpus_cases::check(case, &outcome)
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
