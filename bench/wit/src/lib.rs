//! The core behind a WIT world (`wit/world.wit`), for the measurement in `measure.sh` only.

wit_bindgen::generate!({ world: "core", path: "wit" });

struct Core;

impl Guest for Core {
    fn map(documents: Vec<Document>, options: String) -> Result<String, String> {
        let options = serde_json::from_str(&options).map_err(|e| e.to_string())?;
        let documents =
            documents.into_iter().map(|d| tfe_catalog_core::SourceDocument { name: d.name, text: d.text }).collect();
        let request = tfe_catalog_core::MapRequest { documents, options, ..Default::default() };
        tfe_catalog_core::map_request(&request).map_err(|e| e.to_string())
    }
}

export!(Core);
