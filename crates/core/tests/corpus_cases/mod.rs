//! Reads `tests/corpus/`: one folder per case, holding `input/*.json` (the TFE documents, in file
//! name order), an optional `options.json`, an optional `format.txt` (`port`), and the expected outcome: `expected.json` (the exact
//! bytes of the entity JSON) or `expected-error.txt` (the exact error message, plus a newline).
//!
//! Shared by the native corpus test (crates/core) and the wasmtime parity test (crates/host).
//! `BLESS=1` rewrites expectations instead of comparing; without it nothing is ever rewritten.

use std::fs;
use std::path::{Path, PathBuf};

use tfe_catalog_core::{MapOptions, MapRequest, OutputFormat, SourceDocument};

pub struct Case {
    pub name: String,
    pub dir: PathBuf,
    pub request: MapRequest,
}

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus")
}

pub fn cases() -> Vec<Case> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(corpus_dir())
        .expect("tests/corpus exists")
        .map(|e| e.expect("readable").path())
        .filter(|p| p.join("input").is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "the corpus has no cases");
    dirs.into_iter().map(load).collect()
}

fn load(dir: PathBuf) -> Case {
    let mut inputs: Vec<PathBuf> =
        fs::read_dir(dir.join("input")).expect("input dir").map(|e| e.expect("readable").path()).collect();
    inputs.sort();
    let documents = inputs
        .iter()
        .map(|p| SourceDocument {
            name: p.file_name().unwrap().to_string_lossy().into_owned(),
            text: fs::read_to_string(p).expect("input is UTF-8"),
        })
        .collect();
    let options: MapOptions = fs::read_to_string(dir.join("options.json"))
        .map(|t| serde_json::from_str(&t).expect("options.json parses"))
        .unwrap_or_default();
    let format = match fs::read_to_string(dir.join("format.txt")).as_deref().map(str::trim) {
        Ok("port") => OutputFormat::Port,
        Ok(other) => panic!("unknown format {other:?}"),
        Err(_) => OutputFormat::Backstage,
    };
    Case {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        request: MapRequest { documents, options, format },
        dir,
    }
}

/// Compares one runtime's outcome with the case's expectation; returns a description of the
/// mismatch, or blesses the outcome when `BLESS=1`.
pub fn check(case: &Case, outcome: &Result<String, String>) -> Option<String> {
    let (file, other, actual) = match outcome {
        Ok(json) => ("expected.json", "expected-error.txt", json.clone()),
        Err(message) => ("expected-error.txt", "expected.json", format!("{message}\n")),
    };
    if std::env::var("BLESS").as_deref() == Ok("1") {
        fs::write(case.dir.join(file), &actual).unwrap();
        let _ = fs::remove_file(case.dir.join(other));
        return None;
    }
    match fs::read_to_string(case.dir.join(file)) {
        Ok(expected) if expected == actual => None,
        Ok(expected) => Some(format!("{}: {file} differs\n--- expected\n{expected}\n--- actual\n{actual}", case.name)),
        Err(_) => Some(format!("{}: produced {file}, but the case expects {other}:\n{actual}", case.name)),
    }
}
