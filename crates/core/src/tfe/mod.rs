//! Reading TFE API v2 documents. Everything here is tolerant: unknown fields, `null`s, empty
//! relationship objects and older shapes are accepted; only what the catalog cannot do without
//! (a resource's `id`, a workspace's `name`) is required.

pub mod assessment;
pub mod ingress;
pub mod jsonapi;
pub mod lenient;
pub mod output;
pub mod project;
pub mod registry_module;
pub mod run;
pub mod workspace;

pub use ingress::Trigger;
pub use jsonapi::{Document, Pagination, Resource, parse_document};
pub use output::Output;
pub use project::Project;
pub use registry_module::{ModuleDetails, RegistryModule};
pub use run::Run;
pub use workspace::{VcsRepo, Workspace};
