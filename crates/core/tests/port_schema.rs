//! Every Port entity the core emits matches the blueprint it names, as the core declares it: for
//! every corpus case that maps, in the Port format, whatever format the case itself is compared in.

#[allow(dead_code)]
mod corpus_cases;

use tfe_catalog_core::port::{PortEntity, blueprint};
use tfe_catalog_core::{MapRequest, OutputFormat};

#[test]
fn every_emitted_port_entity_matches_its_declared_blueprint() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in corpus_cases::cases() {
        let request = MapRequest { format: OutputFormat::Port, ..case.request.clone() };
        let Ok(json) = tfe_catalog_core::map_request(&request) else { continue };
        let entities: Vec<PortEntity> = serde_json::from_str(&json).expect("Port entities parse");
        for entity in &entities {
            checked += 1;
            if let Err(why) = blueprint::validate(entity) {
                failures.push(format!("{}: {why}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{checked} Port entities checked");
    assert!(checked > 40, "the corpus holds Port entities to check ({checked})");
}

#[test]
fn a_mismatch_is_caught() {
    let json = std::fs::read_to_string(corpus_cases::corpus_dir().join("port-edge-names/expected.json")).unwrap();
    let mut entities: Vec<PortEntity> = serde_json::from_str(&json).unwrap();
    let instance = entities.iter_mut().find(|e| e.blueprint == blueprint::INSTANCE).unwrap();
    instance.properties.insert("status_bucket".into(), "amazing".into());
    assert!(blueprint::validate(instance).unwrap_err().contains("status_bucket"));
}
