//! An incremental refresh: the organization's runs list, newest first, back to the runs created
//! since a time, ending with the latest run of each workspace instead of entities.

use std::collections::BTreeMap;

use super::SyncPlanner;
use super::http::Snapshot;
use crate::run::{RunUpdate, millis};
use crate::tfe::Document;

impl SyncPlanner {
    /// The page holds a run created before the window, so older pages cannot hold newer runs
    /// (the list is newest first). Never during a full sync.
    pub(super) fn reached_refresh_window(&self, doc: &Document) -> bool {
        let Some(since) = self.config.refresh_since.as_deref().and_then(millis) else {
            return false;
        };
        doc.data.iter().filter_map(|r| r.attr_str("created-at").and_then(millis)).any(|created| created < since)
    }

    /// The latest run of each workspace among the runs created inside the window.
    pub(super) fn finish_refresh(&mut self) {
        let since = self.config.refresh_since.as_deref().and_then(millis).unwrap_or(i64::MIN);
        let mut latest: BTreeMap<String, RunUpdate> = BTreeMap::new();
        for run in std::mem::take(&mut self.collected).take_runs() {
            let created = run.created_at.as_deref().and_then(millis);
            let (Some(workspace_id), Some(created)) = (run.workspace_id.clone(), created) else {
                continue;
            };
            // Speculative plans are never a workspace's current run.
            if created < since || run.plan_only == Some(true) {
                continue;
            }
            let newer = latest
                .get(&workspace_id)
                .and_then(|u| u.created_at.as_deref().and_then(millis))
                .is_none_or(|seen| created > seen);
            if newer {
                latest.insert(
                    workspace_id.clone(),
                    RunUpdate {
                        workspace_id,
                        updated_at: run.status_changed_at().map(str::to_owned),
                        created_at: run.created_at.clone(),
                        run_id: run.id,
                        status: run.status,
                    },
                );
            }
        }
        let snapshot = Snapshot {
            organization: self.organization().to_owned(),
            entities: Vec::new(),
            outputs: Default::default(),
            runs: latest.into_values().collect(),
            assessments: Vec::new(),
            stats: self.stats.clone(),
        };
        self.done(snapshot);
    }
}
