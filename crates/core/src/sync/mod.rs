//! The sync planner: a sans-IO state machine that fetches one organization from TFE and ends with
//! a complete snapshot of its entities, or an error. Never with a partial snapshot.
//!
//! # Driving it
//!
//! Hosts (the Node shim, the Rust CLI, the tests) run the same short loop:
//!
//! ```text
//! loop {
//!     match planner.poll_output(now_ms) {
//!         Output::Request(req) => start it (adding `Authorization: Bearer <token>`), without waiting
//!                                 for its answer; poll again
//!         Output::Wait { until_ms } => wait until `until_ms` (for `None`: without limit) or until a
//!                                 request in flight is answered, whichever comes first; hand the
//!                                 answer in, planner.handle_input(Input::Response(..) or
//!                                 Input::TransportError(..), now_ms); poll again
//!         Output::Done(snapshot) => apply it as one full mutation; stop
//!         Output::Failed { error } => log it, leave the catalog as it is; stop
//!     }
//! }
//! ```
//!
//! After every input, poll until the planner says wait. Requests are plain data and carry no
//! credentials: the host adds the token, so the core never sees it. Up to [`MAX_IN_FLIGHT`]
//! requests may be in flight at once, and their answers may come in any order; answers the
//! planner no longer needs (after it ended, or to pages read ahead of a listing that changed) are
//! dropped, so a driver that stops at `Done` or `Failed` may simply abandon what is still in flight.
//!
//! # What it decides
//!
//! A first `GET /api/v2/ping` to read `X-RateLimit-Limit`, then pacing so that requests stay under
//! that limit (`pacing.rs`), paging (`page[size]=100`, `include=current_run,…,outputs`, following `links.next`
//! on the configured host or `meta.pagination.next-page`), retries of 429 (after
//! `X-RateLimit-Reset`), 5xx and network errors with bounded exponential backoff and jitter
//! (`retry.rs`), a time budget per sync, and detection of a listing that shifted while it was paged
//! (a workspace added or deleted between pages), which restarts the listing (`listing.rs`).
//!
//! A request leaves on its pacing slot, not when the previous answer is in: once a listing's first
//! page has given its `total-count`, the next pages are asked for while earlier ones are still in
//! flight or being mapped, so a server slower to answer a page than the pacing interval does not
//! stretch the sync. Pages are still folded in strictly in order. What a full sync and an
//! incremental refresh do with what they read is in `full.rs` and `refresh.rs`.

mod full;
mod http;
mod listing;
mod pacing;
mod planner;
mod refresh;
mod retry;

use serde::Deserialize;

use crate::catalog::MapOptions;
use crate::error::SyncError;

pub use http::{Assessment, HttpRequest, HttpResponse, Input, Output, Snapshot, SyncStats, header};
pub use pacing::run_list_interval_ms;
pub use planner::{MAX_IN_FLIGHT, SyncPlanner};
pub use retry::RetryPolicy;

/// What a sync of one organization needs: the mapping options (`organization` required) and how
/// to page and retry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncConfig {
    /// Organization (required), namespace, owners, host, ...
    #[serde(flatten)]
    pub options: MapOptions,
    /// `page[size]`: TFE's maximum, 100, by default.
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// Retries and time budget; `null` or absent means the defaults.
    #[serde(default, deserialize_with = "retry::null_is_default")]
    pub retry: RetryPolicy,
    /// Seed of the jitter: the core draws no random numbers, so the host passes one in.
    #[serde(default)]
    pub seed: u64,
    /// Set for an incremental refresh instead of a full sync: read the organization's runs list,
    /// newest first, back to runs created at this time (RFC 3339), and end with the latest run of
    /// each workspace ([`Snapshot::runs`]) instead of entities.
    #[serde(default)]
    pub refresh_since: Option<String>,
    /// When each workspace's assessment the host already knows was made (`ws-…` → RFC 3339): a
    /// full sync reads the current assessment result only of workspaces whose listing shows a
    /// newer one, so drift costs one request per changed assessment, not one per workspace.
    #[serde(default)]
    pub known_assessments: std::collections::BTreeMap<String, String>,
    /// Read changed assessment results at all. The plugin does (it keeps what it read, so each
    /// result is read once); a stateless run, such as the CLI's `sync`, would read every assessed
    /// workspace every time, so it is off unless asked for.
    #[serde(default)]
    pub read_assessments: bool,
}

fn default_page_size() -> u32 {
    100
}

/// Checks a set of organizations configured together: each organization once (its state, name and
/// namespace are keyed by its name), and no two sharing a catalog namespace (one's sync would
/// take the other's entity names). Each configuration is also checked on its own.
pub fn check_organizations(configs: &[SyncConfig]) -> Result<(), SyncError> {
    let mut seen: std::collections::BTreeMap<String, (String, String)> = std::collections::BTreeMap::new();
    let mut namespaces: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();
    for config in configs {
        let planner = SyncPlanner::new(config.clone())?;
        let (org, host, namespace) = (&planner.org.organization, &planner.org.base_url, &planner.org.namespace);
        if let Some((other_host, _)) = seen.get(org) {
            return Err(SyncError::InvalidConfig(format!(
                "organization {org} is configured twice ({other_host} and {host}); configure each organization once"
            )));
        }
        if let Some(other) = namespaces.get(namespace) {
            return Err(SyncError::InvalidConfig(format!(
                "organizations {other} and {org} would share the catalog namespace {namespace}; give one of them its own `namespace`"
            )));
        }
        seen.insert(org.clone(), (host.clone(), namespace.clone()));
        namespaces.insert(namespace.clone(), org.clone());
    }
    Ok(())
}

#[cfg(test)]
mod tests;
