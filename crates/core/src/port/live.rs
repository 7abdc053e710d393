//! A live update: one TFE run event onto its workspace's `blueprint_instance` in Port.
//!
//! The instance is found by workspace id among this tool's entities of the organization, and its
//! run properties are replaced only when the event is newer than what Port shows: the order comes
//! from TFE's timestamps (the notification's `run_updated_at` against the instance's
//! `run_updated_at`), never from the order events arrive in. Every run status is applied, not only
//! `applied`. An instance that does not exist yet is left for the next push.

use serde::Serialize;
use serde_json::{Value, json};

use super::blueprint::INSTANCE;
use super::entity::{MANAGED_BY, MANAGED_BY_VALUE, ORGANIZATION};
use super::planner::{Call, Job, PortError, PortStats};
use super::push::percent_encode;
use crate::notification::RunEvent;

/// What a live update did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveReport {
    /// Instances updated.
    pub updated: Vec<String>,
    /// Instances that already showed a newer (or the same) status: left as they were.
    pub stale: Vec<String>,
    /// Requests made.
    pub stats: PortStats,
}

#[derive(Debug)]
enum Step {
    Find,
    Patch(String),
}

/// The live update job. Run it with [`super::planner::PortPlanner`].
#[derive(Debug)]
pub struct LiveUpdate {
    event: RunEvent,
    steps: Vec<Step>,
    report: LiveReport,
    /// Instances that showed another run: the trigger they show is that run's, so it is cleared.
    other_run: Vec<String>,
}

impl LiveUpdate {
    /// An update of the instance of `event`'s workspace. The caller has checked that the event's
    /// organization is the one it serves.
    pub fn new(event: RunEvent) -> Self {
        LiveUpdate { event, steps: vec![Step::Find], report: LiveReport::default(), other_run: Vec::new() }
    }

    /// The run properties the event sets on `identifier`.
    fn properties(&self, identifier: &str) -> Value {
        let e = &self.event;
        let mut properties = json!({
            "terraform_status": e.run_status,
            "status_bucket": e.bucket.as_str(),
            "run_id": e.run_id,
            "run_updated_at": e.run_updated_at,
            "tfe_link": e.run_url,
        });
        if self.other_run.iter().any(|i| i == identifier) {
            for key in super::entity::RUN_TRIGGER_PROPERTIES {
                properties[key] = Value::Null;
            }
        }
        properties
    }

    /// Whether the event is newer than what the instance shows.
    fn is_newer(&self, instance: &Value) -> bool {
        let shown = instance["properties"]["run_updated_at"].as_str().and_then(crate::run::millis);
        let event = self.event.run_updated_at.as_deref().and_then(crate::run::millis);
        match (event, shown) {
            (_, None) => true,
            (Some(event), Some(shown)) => event > shown,
            (None, Some(_)) => false,
        }
    }
}

impl Job for LiveUpdate {
    type Report = LiveReport;

    fn next_call(&mut self) -> Option<Call> {
        let e = &self.event;
        Some(match self.steps.last()? {
            Step::Find => Call {
                method: "POST",
                path: format!("/v1/blueprints/{INSTANCE}/entities/search"),
                body: Some(json!({"query": {"combinator": "and", "rules": [
                    {"property": "workspace_id", "operator": "=", "value": e.workspace_id},
                    {"property": ORGANIZATION, "operator": "=", "value": e.organization},
                    {"property": MANAGED_BY, "operator": "=", "value": MANAGED_BY_VALUE},
                ]}, "limit": 10})),
            },
            Step::Patch(identifier) => Call {
                method: "PATCH",
                path: format!("/v1/blueprints/{INSTANCE}/entities/{}", percent_encode(identifier)),
                body: Some(json!({"properties": self.properties(identifier)})),
            },
        })
    }

    fn on_reply(&mut self, call: &Call, status: u16, body: &Value) -> Result<(), PortError> {
        let unexpected = || PortError::UnexpectedStatus {
            method: call.method.to_owned(),
            url: call.path.clone(),
            status,
            message: body["message"].as_str().unwrap_or("no message").to_owned(),
        };
        match self.steps.pop() {
            Some(Step::Find) if status == 200 => {
                for instance in body["entities"].as_array().into_iter().flatten() {
                    let identifier = instance["identifier"].as_str().unwrap_or_default().to_owned();
                    if self.is_newer(instance) {
                        if instance["properties"]["run_id"].as_str() != Some(self.event.run_id.as_str()) {
                            self.other_run.push(identifier.clone());
                        }
                        self.steps.push(Step::Patch(identifier));
                    } else {
                        self.report.stale.push(identifier);
                    }
                }
                Ok(())
            }
            Some(Step::Patch(identifier)) if status == 200 => {
                self.report.updated.push(identifier);
                Ok(())
            }
            // Deleted since it was found: the next push decides.
            Some(Step::Patch(_)) if status == 404 => Ok(()),
            _ => Err(unexpected()),
        }
    }

    fn report(&mut self, stats: &PortStats) -> LiveReport {
        let mut report = std::mem::take(&mut self.report);
        report.stats = stats.clone();
        report
    }
}
