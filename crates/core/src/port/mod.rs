//! Port (getport.io): the same model as Backstage, as Port blueprints and entities, and the plans
//! that keep a Port organization equal to TFE.
//!
//! - [`blueprint`]: the blueprints this product declares (`blueprint_template`,
//!   `blueprint_instance`) and a validator that checks an entity against them, so what
//!   [`entity::to_port`] emits always matches what [`blueprint`] declares.
//! - [`entity`]: catalog entities as Port entities, marked as ours.
//! - [`planner`]: the sans-IO request planner for Port (token, pacing, retries), shaped like the
//!   TFE sync planner, which drives a [`push`] (blueprints, upserts, deletes) or a [`live`] update
//!   (one run event onto its instance).
//! - [`actions`]: self-service action definitions that call an orchestrator.
//!
//! This module depends on [`crate::catalog`], never the reverse.

pub mod actions;
pub mod blueprint;
pub mod entity;
pub mod live;
pub mod planner;
pub mod push;

pub use entity::{PortEntity, add_outputs, to_port};
