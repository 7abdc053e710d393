//! The pure core of tfe-catalog: every decision the product makes about Terraform Enterprise /
//! HCP Terraform (TFE) data and the Backstage catalog.
//!
//! # Contract
//!
//! This crate is a fully deterministic library. It contains no networking code, reads no clock,
//! draws no random numbers and touches no file: time comes in as `now_ms` arguments, HTTP
//! responses come in as plain data, and requests go out as plain data for a host to perform. The
//! same code runs natively (`cargo test`, the `tfe-catalog` CLI with `--native`), as WebAssembly in
//! wasmtime (the CLI) and as WebAssembly in Node (the Backstage plugin), and must give
//! byte-identical results in all three.
//!
//! # In scope
//!
//! - Tolerant parsing of TFE JSON:API documents ([`tfe`]).
//! - Run status buckets ([`status`]).
//! - Mapping TFE objects to Backstage entities, with names, namespaces, tags, annotations and links
//!   that pass Backstage's validators ([`catalog`]).
//! - Planning a sync as a sans-IO state machine ([`sync`]).
//! - Linking services to the workspaces they run on ([`service`]), and one infrastructure health
//!   per service and System ([`health`]).
//! - Port blueprints and entities, and planning a push to Port or a live update ([`port`]).
//! - The one owner of workspace state and its ordering rule ([`state`]).
//! - Run records, summaries and polling views ([`run`]), webhooks ([`notification`]), whether an
//!   organization's data can be shown ([`availability`]), the GlobalLogic card's shapes ([`globallogic`]).
//! - Which state changes alert the owners of a workspace and of the services on it ([`alert`]).
//! - What the plugin trusts: tokens ([`token`]), hosts ([`origin`]), and each token's request
//!   budget ([`budget`]).
//!
//! # Out of scope
//!
//! Performing HTTP, sleeping, storing state, talking to the Backstage catalog: the hosts do that.
//!
//! The library never panics on input: malformed input is a typed error naming what is wrong.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod alert;
pub mod availability;
pub mod budget;
pub mod catalog;
pub mod error;
pub mod globallogic;
pub mod health;
pub mod json_text;
pub mod notification;
pub mod origin;
pub mod plan_log;
pub mod port;
pub mod run;
pub mod service;
pub mod state;
pub mod status;
pub mod sync;
pub mod tfe;
pub mod token;

pub use catalog::{Entity, MapOptions, MapRequest, OutputFormat, SourceDocument, map_documents, map_documents_to_json};
pub use error::{MapError, ParseError, SyncError};
pub use status::StatusBucket;
pub use sync::{HttpRequest, HttpResponse, Input, Output, SyncConfig, SyncPlanner};

/// Maps a request to the canonical JSON text of its format: what every runtime must agree on.
/// Here rather than in [`catalog`], so that the catalog never depends on [`port`].
pub fn map_request(request: &MapRequest) -> Result<String, MapError> {
    let entities = map_documents(&request.documents, &request.options)?;
    Ok(render(&entities, request.format, request.options.organization.as_deref()))
}

/// The canonical JSON text of entities in `format`.
fn render(entities: &[Entity], format: OutputFormat, organization: Option<&str>) -> String {
    match format {
        OutputFormat::Backstage => catalog::to_json(entities),
        OutputFormat::Port => {
            let organization = port::entity::organization_of(entities, organization);
            catalog::pretty(&port::to_port(entities, &organization))
        }
    }
}

/// A mapping fed one document at a time: each is parsed, folded in and dropped, so a host can read
/// an organization's dump file by file and hold one document at a time ([`map_request`] is the
/// same over documents already in memory).
#[derive(Debug, Default)]
pub struct Mapper {
    collected: catalog::Collected,
    options: MapOptions,
    format: OutputFormat,
}

impl Mapper {
    /// A mapping with these options, to this format.
    pub fn new(options: MapOptions, format: OutputFormat) -> Self {
        Mapper { collected: catalog::Collected::default(), options, format }
    }

    /// Parses and folds in one document; `name` labels errors.
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), MapError> {
        self.collected.add(name, &tfe::parse_document(name, text)?)
    }

    /// The canonical JSON text of every entity (as [`map_request`]).
    pub fn finish(self) -> Result<String, MapError> {
        let entities = catalog::map_collected(self.collected, &self.options)?;
        Ok(render(&entities, self.format, self.options.organization.as_deref()))
    }
}
