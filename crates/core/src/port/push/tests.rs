//! The push and live jobs against an in-memory Port, in virtual time: no sockets.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::*;
use crate::port::live::{LiveReport, LiveUpdate};
use crate::port::planner::{Output, PortConfig, PortPlanner, PortRequest};
use crate::sync::{HttpResponse, Input};

/// An answer given instead of the real one (`None`: answer normally).
type Fault = Option<(u16, Vec<(String, String)>)>;

/// Port in memory: blueprints and entities by (blueprint, identifier), with answers queued to
/// be given first (429s, 5xx) and a log of (method, path).
#[derive(Default)]
struct MemoryPort {
    blueprints: BTreeMap<String, Value>,
    entities: BTreeMap<(String, String), Value>,
    faults: Vec<Fault>,
    log: Vec<(String, String)>,
}

impl MemoryPort {
    fn answer(&mut self, req: &PortRequest) -> HttpResponse {
        let path = req.url.trim_start_matches("https://port.test").to_owned();
        self.log.push((req.method.clone(), path.clone()));
        let reply =
            |status: u16, body: Value| HttpResponse { id: req.id, status, headers: vec![], body: body.to_string() };
        if let Some((status, headers)) = (!self.faults.is_empty()).then(|| self.faults.remove(0)).flatten() {
            return HttpResponse { id: req.id, status, headers, body: "{}".to_owned() };
        }
        if req.credentials {
            return reply(200, json!({"ok": true, "accessToken": "t", "expiresIn": 10800}));
        }
        let parts: Vec<&str> = path.split('?').next().unwrap().trim_start_matches("/v1/").split('/').collect();
        let body = req.body.clone().unwrap_or(Value::Null);
        match (req.method.as_str(), parts.as_slice()) {
            ("GET", ["blueprints", id]) => match self.blueprints.get(*id) {
                Some(b) => reply(200, json!({"ok": true, "blueprint": b})),
                None => reply(404, json!({"ok": false, "error": "not_found"})),
            },
            ("POST", ["blueprints"]) | ("PUT", ["blueprints", _]) => {
                self.blueprints.insert(body["identifier"].as_str().unwrap().to_owned(), body);
                reply(201, json!({"ok": true}))
            }
            ("POST", ["blueprints", bp, "entities", "search"]) => {
                let from: usize = body["from"].as_str().map_or(0, |f| f.parse().unwrap());
                let matches = |e: &Value| {
                    body["query"]["rules"].as_array().unwrap().iter().all(|r| match r["operator"].as_str() {
                        Some("=") => e["properties"][r["property"].as_str().unwrap()] == r["value"],
                        _ => true,
                    })
                };
                let all: Vec<Value> =
                    self.entities.iter().filter(|((b, _), e)| b == bp && matches(e)).map(|(_, e)| e.clone()).collect();
                let page: Vec<Value> = all.iter().skip(from).take(SEARCH_LIMIT).cloned().collect();
                let next = (from + SEARCH_LIMIT < all.len()).then(|| (from + SEARCH_LIMIT).to_string());
                if !self.blueprints.contains_key(*bp) {
                    return reply(404, json!({"ok": false, "error": "not_found"}));
                }
                reply(200, json!({"ok": true, "entities": page, "next": next}))
            }
            ("POST", ["blueprints", bp, "entities", "bulk"]) => {
                for e in body["entities"].as_array().unwrap() {
                    self.entities.insert((bp.to_string(), e["identifier"].as_str().unwrap().to_owned()), e.clone());
                }
                reply(200, json!({"ok": true}))
            }
            ("POST", ["blueprints", bp, "bulk", "entities", "delete"]) => {
                for id in body["entities"].as_array().unwrap() {
                    self.entities.remove(&(bp.to_string(), id.as_str().unwrap().to_owned()));
                }
                reply(200, json!({"ok": true}))
            }
            ("PATCH", ["blueprints", bp, "entities", id]) => {
                let e = self.entities.get_mut(&(bp.to_string(), id.to_string())).unwrap();
                for (k, v) in body["properties"].as_object().unwrap() {
                    e["properties"][k] = v.clone();
                }
                reply(200, json!({"ok": true}))
            }
            other => panic!("the memory Port has no route {other:?}"),
        }
    }

    fn writes(&self) -> usize {
        self.log.iter().filter(|(m, p)| m != "GET" && !p.ends_with("/search") && !p.contains("access_token")).count()
    }
}

fn config() -> PortConfig {
    PortConfig { base_url: "https://port.test".to_owned(), ..PortConfig::default() }
}

/// Drives `planner` against `port` in virtual time; returns the report and the elapsed time.
fn drive<J: Job>(port: &mut MemoryPort, planner: &mut PortPlanner<J>) -> (Result<J::Report, String>, u64) {
    let mut now = 0;
    loop {
        match planner.poll_output(now) {
            Output::Request(req) => {
                let resp = port.answer(&req);
                planner.handle_input(Input::Response(resp), now);
            }
            Output::Wait { until_ms } => now = until_ms.expect("never waits on nothing here"),
            Output::Done(report) => return (Ok(report), now),
            Output::Failed { error, .. } => return (Err(error), now),
        }
    }
}

fn entity(blueprint: &str, id: &str, status: &str, at: &str) -> PortEntity {
    let mut properties = json!({"managed_by": "tfe-catalog", "tfe_organization": "acme"});
    if blueprint == blueprint::INSTANCE {
        properties["workspace_id"] = json!(format!("ws-{id}"));
        properties["terraform_status"] = json!(status);
        properties["run_updated_at"] = json!(at);
    }
    PortEntity {
        blueprint: blueprint.to_owned(),
        identifier: format!("acme.{id}"),
        title: id.to_owned(),
        properties: properties.as_object().cloned().unwrap(),
        relations: Default::default(),
    }
}

fn org(workspaces: usize) -> Vec<PortEntity> {
    let mut all = vec![entity(blueprint::TEMPLATE, "vpc", "", "")];
    all.extend(
        (0..workspaces).map(|i| entity(blueprint::INSTANCE, &format!("w{i:05}"), "applied", "2026-01-01T00:00:00Z")),
    );
    all
}

fn push(port: &mut MemoryPort, entities: Vec<PortEntity>, dry_run: bool) -> PushReport {
    drive(port, &mut PortPlanner::new(config(), Push::new("acme", entities, dry_run))).0.unwrap()
}

#[test]
fn a_first_push_creates_blueprints_and_entities_in_bulk_and_a_second_writes_nothing() {
    let mut port = MemoryPort::default();
    let report = push(&mut port, org(2500), false);
    assert_eq!(report.creates.len(), 2501);
    assert_eq!(report.blueprints.len(), 3);
    assert_eq!(port.entities.len(), 2501);
    // A token, 3 blueprint reads, 3 creates, no search (they did not exist), ⌈2500/20⌉ + 1 upserts.
    assert_eq!(report.stats.requests, 1 + 3 + 3 + 125 + 1);

    port.log.clear();
    let again = push(&mut port, org(2500), false);
    assert_eq!((again.creates.len(), again.updates.len(), again.deletes.len(), again.unchanged), (0, 0, 0, 2501));
    assert_eq!(port.writes(), 0, "{:?}", port.log);
    // A token, 3 blueprint reads, search pages: 1 of projects (none), 1 of templates, ⌈2500/1000⌉ of instances.
    assert_eq!(again.stats.requests, 1 + 3 + 1 + 1 + 3);
}

#[test]
fn deletes_only_this_organizations_entities_of_this_tool_and_leaves_users_alone() {
    let mut port = MemoryPort::default();
    push(&mut port, org(30), false);
    let mine =
        json!({"identifier": "hand-made", "title": "mine", "properties": {"workspace_id": "ws-x"}, "relations": {}});
    port.entities.insert((blueprint::INSTANCE.to_owned(), "hand-made".to_owned()), mine.clone());
    let other_org = entity(blueprint::INSTANCE, "other", "applied", "2026-01-01T00:00:00Z").body();
    let mut other_org = other_org;
    other_org["properties"]["tfe_organization"] = json!("globex");
    port.entities.insert((blueprint::INSTANCE.to_owned(), "acme.other".to_owned()), other_org);

    let mut next = org(20); // w00020..w00029 gone
    next[1].title = "renamed".to_owned();
    next.push(entity(blueprint::INSTANCE, "new", "planned", "2026-01-01T00:00:00Z"));
    next.push(PortEntity { identifier: "hand-made".to_owned(), ..entity(blueprint::INSTANCE, "x", "", "") });
    let report = push(&mut port, next, false);
    assert_eq!(report.deletes.len(), 10);
    assert_eq!(report.updates, vec!["blueprint_instance/acme.w00000"]);
    assert_eq!(report.creates, vec!["blueprint_instance/acme.new"]);
    assert_eq!(report.conflicts, vec!["blueprint_instance/hand-made"]);
    assert_eq!(port.entities[&(blueprint::INSTANCE.to_owned(), "hand-made".to_owned())], mine);
    assert!(port.entities.contains_key(&(blueprint::INSTANCE.to_owned(), "acme.other".to_owned())));
    assert_eq!(port.entities.len(), 1 + 21 + 2);
}

#[test]
fn a_dry_run_plans_and_writes_nothing() {
    let mut port = MemoryPort::default();
    push(&mut port, org(5), false);
    port.log.clear();
    let report = push(&mut port, org(3), true);
    assert_eq!(report.deletes, vec!["blueprint_instance/acme.w00003", "blueprint_instance/acme.w00004"]);
    assert_eq!(port.writes(), 0);
    assert_eq!(port.entities.len(), 6);
}

#[test]
fn rate_limits_and_outages_are_waited_out() {
    let reset = vec![("x-ratelimit-reset".to_owned(), "7".to_owned())];
    let faults = vec![Some((503, vec![])), Some((429, reset)), Some((502, vec![]))];
    let mut port = MemoryPort { faults, ..MemoryPort::default() };
    let mut planner = PortPlanner::new(config(), Push::new("acme", org(40), false));
    let (report, elapsed) = drive(&mut port, &mut planner);
    let report = report.unwrap();
    assert_eq!(report.stats.retries, 3);
    assert_eq!(report.stats.rate_limited, 1);
    assert!(elapsed >= 7000, "waited for the reset: {elapsed}");
    assert_eq!(port.entities.len(), 41);
}

#[test]
fn an_expired_token_is_renewed_once_and_a_refused_one_fails() {
    // The token, one blueprint read, then a 401: Port dropped the token before its expiry.
    let mut port = MemoryPort { faults: vec![None, None, Some((401, vec![]))], ..MemoryPort::default() };
    let report = push(&mut port, org(1), false);
    assert_eq!(report.stats.token_requests, 2);
    port.faults = vec![Some((401, vec![]))];
    let mut planner = PortPlanner::new(config(), Push::new("acme", org(1), false));
    assert_eq!(drive(&mut port, &mut planner).0.unwrap_err(), "Port rejected the client credentials (401)");
}

fn event(status: &str, at: &str) -> crate::notification::RunEvent {
    let body = json!({"payload_version": 1, "run_id": "run-1", "run_url": "https://app.terraform.io/app/acme/workspaces/w00001/runs/run-1",
        "workspace_id": "ws-w00001", "workspace_name": "w00001", "organization_name": "acme",
        "notifications": [{"trigger": "run:planning", "run_status": status, "run_updated_at": at}]});
    match crate::notification::parse_notification(body.to_string().as_bytes()).unwrap() {
        crate::notification::Notification::Run(e) => e,
        other => panic!("{other:?}"),
    }
}

fn live(port: &mut MemoryPort, status: &str, at: &str) -> LiveReport {
    drive(port, &mut PortPlanner::new(config(), LiveUpdate::new(event(status, at)))).0.unwrap()
}

#[test]
fn a_run_event_updates_its_instance_and_an_older_one_changes_nothing() {
    let mut port = MemoryPort::default();
    push(&mut port, org(3), false);
    let key = (blueprint::INSTANCE.to_owned(), "acme.w00001".to_owned());
    let report = live(&mut port, "planning", "2026-02-01T00:00:10Z");
    assert_eq!(report.updated, vec!["acme.w00001"]);
    assert_eq!(port.entities[&key]["properties"]["terraform_status"], "planning");
    assert_eq!(port.entities[&key]["properties"]["status_bucket"], "in-progress");

    let late = live(&mut port, "pending", "2026-02-01T00:00:05Z");
    assert_eq!(late.stale, vec!["acme.w00001"]);
    assert_eq!(port.entities[&key]["properties"]["terraform_status"], "planning");

    // A push from a TFE read made before the event keeps the newer status.
    push(&mut port, org(3), false);
    assert_eq!(port.entities[&key]["properties"]["terraform_status"], "planning");
}

#[test]
fn a_run_event_for_another_run_clears_the_trigger_and_an_older_push_does_not_bring_it_back() {
    let with_trigger = || {
        let mut all = org(3);
        for e in all.iter_mut().filter(|e| e.blueprint == blueprint::INSTANCE) {
            e.properties.insert("run_id".into(), json!("run-0"));
            e.properties.insert("run_triggered_by".into(), json!("octocat"));
            e.properties.insert("run_commit_sha".into(), json!("abc123"));
        }
        all
    };
    let mut port = MemoryPort::default();
    push(&mut port, with_trigger(), false);
    let key = (blueprint::INSTANCE.to_owned(), "acme.w00001".to_owned());
    assert_eq!(port.entities[&key]["properties"]["run_triggered_by"], "octocat");
    live(&mut port, "planning", "2026-02-01T00:00:10Z");
    assert_eq!(port.entities[&key]["properties"]["run_id"], "run-1");
    assert_eq!(port.entities[&key]["properties"]["run_triggered_by"], Value::Null, "run-1's trigger is unknown");
    push(&mut port, with_trigger(), false);
    assert_eq!(port.entities[&key]["properties"]["run_id"], "run-1");
    assert_eq!(port.entities[&key]["properties"]["run_triggered_by"], Value::Null, "run-0's trigger is not put back");
}
