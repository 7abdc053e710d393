//! A push: makes one organization's entities in Port equal to a TFE snapshot.
//!
//! In order: read each declared blueprint (create it when missing, update it when it lacks a
//! property or declares one differently, keeping a user's additions), list the entities of both
//! blueprints, then plan: entities to create, to update (anything but the same title, properties
//! and relations) and to delete (ours, of this organization, not in the snapshot). Writes are bulk
//! upserts of at most [`BULK_LIMIT`] entities (templates before the instances that relate to them)
//! and bulk deletes of at most [`DELETE_LIMIT`] (instances before their templates). Nothing is
//! written when nothing changed, and a dry run stops at the plan.
//!
//! Requests: a token, two blueprint reads, ⌈E/1000⌉ search pages per blueprint, then
//! ⌈C/20⌉ upserts and ⌈D/100⌉ deletes per blueprint for C entities to write and D to delete.
//!
//! Entities are only ever written under their own identifier, and an identifier that belongs to an
//! entity someone else made in the same blueprint is left alone and reported as a conflict.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::blueprint::{self, Blueprint};
use super::entity::{PortEntity, RUN_PROPERTIES};
use super::planner::{Call, Job, PortError, PortStats};

/// Port's bulk upsert takes 1 to 20 entities.
pub const BULK_LIMIT: usize = 20;
/// Port's bulk delete takes up to 100 identifiers.
pub const DELETE_LIMIT: usize = 100;
/// Port's paged search returns up to 1000 entities per page.
pub const SEARCH_LIMIT: usize = 1000;

/// What a push did, or (dry run) would do.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushReport {
    /// The organization.
    pub organization: String,
    /// Only planned.
    pub dry_run: bool,
    /// `{identifier, action: "create" | "update"}` per blueprint that needed a write.
    pub blueprints: Vec<Value>,
    /// Entities created, as `blueprint/identifier`.
    pub creates: Vec<String>,
    /// Entities updated.
    pub updates: Vec<String>,
    /// Entities deleted.
    pub deletes: Vec<String>,
    /// Entities already equal.
    pub unchanged: usize,
    /// Identifiers held by entities this tool did not write: left alone.
    pub conflicts: Vec<String>,
    /// Entities Port refused: `{blueprint, identifier, status, error, message}`.
    pub errors: Vec<Value>,
    /// Requests made.
    pub stats: PortStats,
}

#[derive(Debug, Clone)]
enum Step {
    ReadBlueprint(Blueprint),
    WriteBlueprint { identifier: &'static str, body: Value, create: bool },
    Search { blueprint: &'static str, from: Option<String> },
    Plan,
    Upsert { blueprint: &'static str, entities: Vec<PortEntity> },
    Delete { blueprint: &'static str, identifiers: Vec<String> },
}

/// The push job. Run it with [`super::planner::PortPlanner`].
#[derive(Debug)]
pub struct Push {
    organization: String,
    dry_run: bool,
    /// Per declared blueprint, in creation order: the snapshot's entities.
    desired: Vec<(&'static str, Vec<PortEntity>)>,
    /// Blueprints that do not exist yet (so hold no entities).
    missing: BTreeSet<&'static str>,
    /// Our entities of this organization found in Port.
    ours: BTreeMap<(String, String), PortEntity>,
    /// Identifiers of everybody else's entities.
    theirs: BTreeSet<(String, String)>,
    steps: VecDeque<Step>,
    /// The step whose call is out.
    current: Option<Step>,
    report: PushReport,
}

impl Push {
    /// A push of `entities` (the whole organization, from a complete TFE snapshot).
    pub fn new(organization: &str, entities: Vec<PortEntity>, dry_run: bool) -> Self {
        let declared = blueprint::blueprints();
        let mut desired: Vec<(&'static str, Vec<PortEntity>)> =
            declared.iter().map(|b| (b.identifier, vec![])).collect();
        for entity in entities {
            if let Some((_, list)) = desired.iter_mut().find(|(b, _)| *b == entity.blueprint) {
                list.push(entity);
            }
        }
        let mut steps: VecDeque<Step> = declared.iter().cloned().map(Step::ReadBlueprint).collect();
        steps.extend(declared.iter().map(|b| Step::Search { blueprint: b.identifier, from: None }));
        steps.push_back(Step::Plan);
        Push {
            organization: organization.to_owned(),
            dry_run,
            desired,
            missing: BTreeSet::new(),
            ours: BTreeMap::new(),
            theirs: BTreeSet::new(),
            steps,
            current: None,
            report: PushReport { organization: organization.to_owned(), dry_run, ..PushReport::default() },
        }
    }

    fn call(step: &Step) -> Option<Call> {
        let enc = percent_encode;
        Some(match step {
            Step::ReadBlueprint(b) => {
                Call { method: "GET", path: format!("/v1/blueprints/{}", b.identifier), body: None }
            }
            Step::WriteBlueprint { body, create: true, .. } => {
                Call { method: "POST", path: "/v1/blueprints".to_owned(), body: Some(body.clone()) }
            }
            Step::WriteBlueprint { identifier, body, create: false } => {
                Call { method: "PUT", path: format!("/v1/blueprints/{identifier}"), body: Some(body.clone()) }
            }
            Step::Search { blueprint, from } => Call {
                method: "POST",
                path: format!("/v1/blueprints/{blueprint}/entities/search"),
                body: Some(json!({
                    "query": {"combinator": "and", "rules": [{"property": "$identifier", "operator": "isNotEmpty"}]},
                    "limit": SEARCH_LIMIT,
                    "from": from,
                })),
            },
            Step::Upsert { blueprint, entities } => Call {
                method: "POST",
                path: format!("/v1/blueprints/{}/entities/bulk?upsert=true", enc(blueprint)),
                body: Some(json!({"entities": entities.iter().map(PortEntity::body).collect::<Vec<_>>()})),
            },
            Step::Delete { blueprint, identifiers } => Call {
                method: "POST",
                path: format!("/v1/blueprints/{}/bulk/entities/delete?delete_dependents=false", enc(blueprint)),
                body: Some(json!({"entities": identifiers})),
            },
            Step::Plan => return None,
        })
    }

    fn on_blueprint(&mut self, declared: &Blueprint, status: u16, body: &Value) -> Result<(), PortError> {
        let (body, create) = match status {
            200 if declared.is_satisfied_by(&body["blueprint"]) => return Ok(()),
            200 => (declared.merged_into(&body["blueprint"]), false),
            404 => {
                self.missing.insert(declared.identifier);
                (declared.to_json(), true)
            }
            _ => return Err(unexpected("GET", &format!("/v1/blueprints/{}", declared.identifier), status, body)),
        };
        let action = if create { "create" } else { "update" };
        self.report.blueprints.push(json!({"identifier": declared.identifier, "action": action}));
        if !self.dry_run {
            self.steps.push_front(Step::WriteBlueprint { identifier: declared.identifier, body, create });
        }
        Ok(())
    }

    fn on_search(&mut self, blueprint: &'static str, status: u16, body: &Value) -> Result<(), PortError> {
        if status == 404 && self.missing.contains(blueprint) {
            return Ok(());
        }
        if status != 200 {
            return Err(unexpected("POST", &format!("/v1/blueprints/{blueprint}/entities/search"), status, body));
        }
        for found in body["entities"].as_array().into_iter().flatten() {
            let entity = PortEntity {
                blueprint: blueprint.to_owned(),
                identifier: found["identifier"].as_str().unwrap_or_default().to_owned(),
                title: found["title"].as_str().unwrap_or_default().to_owned(),
                properties: found["properties"].as_object().cloned().unwrap_or_default(),
                relations: found["relations"].as_object().cloned().unwrap_or_default(),
            };
            let key = (blueprint.to_owned(), entity.identifier.clone());
            if entity.is_ours(&self.organization) {
                self.ours.insert(key, entity);
            } else {
                self.theirs.insert(key);
            }
        }
        if let Some(next) = body["next"].as_str().filter(|n| !n.is_empty()) {
            self.steps.push_front(Step::Search { blueprint, from: Some(next.to_owned()) });
        }
        Ok(())
    }

    /// Compares the snapshot with what Port holds and queues the writes.
    fn plan(&mut self) {
        let mut upserts = Vec::new();
        let mut deletes = Vec::new();
        for (blueprint, desired) in std::mem::take(&mut self.desired) {
            let mut writes = Vec::new();
            let mut wanted = BTreeSet::new();
            for mut entity in desired {
                let key = (blueprint.to_owned(), entity.identifier.clone());
                let name = format!("{blueprint}/{}", entity.identifier);
                wanted.insert(key.clone());
                if self.theirs.contains(&key) {
                    self.report.conflicts.push(name);
                    continue;
                }
                match self.ours.get(&key) {
                    Some(existing) => {
                        keep_newer_run(&mut entity, existing);
                        if same(&entity, existing) {
                            self.report.unchanged += 1;
                            continue;
                        }
                        self.report.updates.push(name);
                    }
                    None => self.report.creates.push(name),
                }
                writes.push(entity);
            }
            let gone: Vec<String> = self
                .ours
                .keys()
                .filter(|(b, _)| b == blueprint)
                .filter(|k| !wanted.contains(*k))
                .map(|(_, id)| id.clone())
                .collect();
            self.report.deletes.extend(gone.iter().map(|id| format!("{blueprint}/{id}")));
            upserts.extend(writes.chunks(BULK_LIMIT).map(|c| Step::Upsert { blueprint, entities: c.to_vec() }));
            deletes.push(
                gone.chunks(DELETE_LIMIT)
                    .map(|c| Step::Delete { blueprint, identifiers: c.to_vec() })
                    .collect::<Vec<_>>(),
            );
        }
        if self.dry_run {
            return;
        }
        // Instances relate to templates: write templates first, delete instances first.
        self.steps.extend(upserts);
        self.steps.extend(deletes.into_iter().rev().flatten());
    }

    fn on_upsert(&mut self, blueprint: &str, entities: &[PortEntity], status: u16, body: &Value) {
        if status == 200 || status == 201 {
            return;
        }
        let failed = body["errors"].as_array().filter(|_| status == 207);
        match failed {
            Some(errors) => self.report.errors.extend(errors.iter().map(|e| {
                json!({"blueprint": blueprint, "identifier": e["identifier"], "status": e["statusCode"],
                       "error": e["error"], "message": e["message"]})
            })),
            None => self.report.errors.extend(entities.iter().map(|e| {
                json!({"blueprint": blueprint, "identifier": e.identifier, "status": status,
                       "error": body["error"], "message": body["message"]})
            })),
        }
    }
}

impl Job for Push {
    type Report = PushReport;

    fn next_call(&mut self) -> Option<Call> {
        loop {
            let step = self.steps.pop_front()?;
            if let Step::Plan = step {
                self.plan();
                continue;
            }
            if let Step::Search { blueprint, .. } = &step
                && self.missing.contains(blueprint)
            {
                continue;
            }
            let call = Self::call(&step);
            self.current = Some(step);
            return call;
        }
    }

    fn on_reply(&mut self, call: &Call, status: u16, body: &Value) -> Result<(), PortError> {
        match self.current.take() {
            Some(Step::ReadBlueprint(declared)) => self.on_blueprint(&declared, status, body),
            Some(Step::WriteBlueprint { .. }) if (200..300).contains(&status) => Ok(()),
            Some(Step::Search { blueprint, .. }) => self.on_search(blueprint, status, body),
            Some(Step::Upsert { blueprint, entities }) => {
                self.on_upsert(blueprint, &entities, status, body);
                Ok(())
            }
            Some(Step::Delete { blueprint, identifiers }) => {
                if !(200..300).contains(&status) {
                    self.report.errors.extend(identifiers.iter().map(|id| {
                        json!({"blueprint": blueprint, "identifier": id, "status": status,
                               "error": body["error"], "message": body["message"]})
                    }));
                }
                Ok(())
            }
            _ => Err(unexpected(call.method, &call.path, status, body)),
        }
    }

    fn report(&mut self, stats: &PortStats) -> PushReport {
        let mut report = std::mem::take(&mut self.report);
        report.stats = stats.clone();
        report
    }
}

fn unexpected(method: &str, path: &str, status: u16, body: &Value) -> PortError {
    let message = body["message"].as_str().or(body["error"].as_str()).unwrap_or("no message").to_owned();
    PortError::UnexpectedStatus { method: method.to_owned(), url: path.to_owned(), status, message }
}

/// When Port already shows a newer run status than the snapshot (a notification arrived after
/// TFE was read), the newer one stays: the order comes from TFE's timestamps.
fn keep_newer_run(entity: &mut PortEntity, existing: &PortEntity) {
    let at = |e: &PortEntity| e.properties.get("run_updated_at").and_then(Value::as_str).and_then(crate::run::millis);
    if let (Some(theirs), mine) = (at(existing), at(entity))
        && mine.is_none_or(|mine| theirs > mine)
    {
        // The trigger the snapshot read describes its own run: for another run, Port's stays.
        if entity.properties.get("run_id") != existing.properties.get("run_id") {
            for key in super::entity::RUN_TRIGGER_PROPERTIES {
                entity.properties.insert(key.to_owned(), existing.properties.get(key).cloned().unwrap_or(Value::Null));
            }
        }
        for key in RUN_PROPERTIES {
            entity.properties.insert(key.to_owned(), existing.properties.get(key).cloned().unwrap_or(Value::Null));
        }
    }
}

/// Same title, properties and relations; a property or relation Port leaves out counts as `null`.
fn same(desired: &PortEntity, existing: &PortEntity) -> bool {
    let fields_match = |mine: &Map<String, Value>, theirs: &Map<String, Value>| {
        mine.iter().all(|(k, v)| theirs.get(k).unwrap_or(&Value::Null) == v)
    };
    desired.title == existing.title
        && fields_match(&desired.properties, &existing.properties)
        && fields_match(&desired.relations, &existing.relations)
}

/// Percent-encodes a path segment (identifiers may hold `/`, `+`, `:` and `@`).
pub fn percent_encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests;
