//! A full sync: every project, registry module and workspace of the organization, mapped page by
//! page as the workspaces are read, then the assessment results newer than the host knows, and
//! one snapshot of every entity at the end (never a partial one).

use super::SyncPlanner;
use super::http::{Assessment, HttpResponse, Snapshot};

impl SyncPlanner {
    /// Maps the workspaces folded in so far, once projects and modules are read (so that each
    /// page of workspaces is mapped and dropped as it arrives).
    pub(super) fn link_workspaces(&mut self) {
        let Some(linker) = &self.linker else { return };
        let mut assessed = Vec::new();
        for (ws, run) in self.collected.take_workspaces() {
            if let (Some(true), Some(at)) = (ws.assessments_enabled, &ws.last_assessment_result_at) {
                assessed.push((ws.id.clone(), at.clone()));
            }
            self.resources.insert(ws.id.clone(), linker.workspace_mapped(&ws, run.as_ref()));
        }
        self.note_assessments(assessed);
    }

    /// Keeps the workspaces whose listed assessment is newer than the host knows.
    fn note_assessments(&mut self, listed: Vec<(String, String)>) {
        if !self.config.read_assessments {
            return;
        }
        for (workspace_id, at) in listed {
            let known = self.config.known_assessments.get(&workspace_id).and_then(|k| crate::run::millis(k));
            let newer = crate::run::millis(&at).zip(known).is_none_or(|(listed, known)| listed > known);
            if newer {
                self.assessments_due.push(workspace_id);
            }
        }
    }

    /// Every listing is read: maps what is left, then reads the assessments due (or ends).
    pub(super) fn finish_workspaces(&mut self) {
        self.link_workspaces();
        self.collected = crate::catalog::Collected::default();
        self.finish_if_complete();
    }

    /// An assessment result (200), or none (404: the workspace has no result any more).
    pub(super) fn on_assessment(&mut self, index: usize, url: &str, resp: HttpResponse) {
        self.stats.assessments += 1;
        let mut read = None;
        if resp.status == 200 {
            match crate::tfe::assessment::drift_from_document(url, &resp.body) {
                Ok(drift) => read = drift,
                Err(e) => return self.fail(e.into()),
            }
        }
        let workspace_id = self.assessments_due.get(index).cloned().unwrap_or_default();
        self.assessments.push((index, read.map(|drift| Assessment { workspace_id, drift })));
        self.finish_if_complete();
    }

    /// Ends the sync with the snapshot once every assessment due is answered.
    fn finish_if_complete(&mut self) {
        if !self.assessments_answered() {
            return;
        }
        let Some(linker) = self.linker.take() else {
            let error = "the listings ended before the workspaces".to_owned();
            return self.fail(crate::error::SyncError::UnexpectedInput(error));
        };
        let outputs = linker.take_outputs();
        let entities = linker.finish_json(std::mem::take(&mut self.resources).into_values().collect());
        // Answers may come in any order: the snapshot lists them in the order they were due.
        let mut assessments = std::mem::take(&mut self.assessments);
        assessments.sort_by_key(|(index, _)| *index);
        let snapshot = Snapshot {
            organization: self.organization().to_owned(),
            entities,
            outputs,
            runs: Vec::new(),
            assessments: assessments.into_iter().filter_map(|(_, a)| a).collect(),
            stats: self.stats.clone(),
        };
        self.done(snapshot);
    }
}
