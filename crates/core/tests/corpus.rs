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

/// The sync keeps each workspace's entity as text from its page on and finishes from the facts
/// kept beside it (`Linker::workspace_mapped`, `Linker::finish_json`); for every corpus case with
/// entities (colliding names, names that stay put, instances behind their template, outputs, ...)
/// that gives the mapping's entities, byte for byte and in the same order.
#[test]
fn the_sync_path_gives_the_mapping_of_every_corpus_case() {
    use tfe_catalog_core::catalog::{Collected, Linker};
    use tfe_catalog_core::json_text::JsonText;

    let mut compared = 0;
    for case in corpus_cases::cases() {
        let (documents, options) = (&case.request.documents, &case.request.options);
        let Ok(expected) = tfe_catalog_core::map_documents(documents, options) else { continue };
        let mut collected = Collected::default();
        for d in documents {
            collected.add(&d.name, &tfe_catalog_core::tfe::parse_document(&d.name, &d.text).unwrap()).unwrap();
        }
        let Some(linker) = Linker::for_collected(&collected, options).unwrap() else { continue };
        let resources = collected
            .take_workspaces()
            .into_iter()
            .map(|(ws, run)| linker.workspace_mapped(&ws, run.as_ref()))
            .collect();
        let kept = linker.finish_json(resources);
        assert_eq!(kept, expected.iter().map(JsonText::new).collect::<Vec<_>>(), "case {}", case.name);
        compared += 1;
    }
    assert!(compared >= 15, "only {compared} corpus cases compared");
}
