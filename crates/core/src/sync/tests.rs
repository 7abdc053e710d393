//! The planner driven in memory with virtual time: each fault is an ordinary unit test.

use crate::json_text::JsonText;
use serde_json::json;

use super::*;

const BASE: &str = "https://tfe.example.com";

fn config() -> SyncConfig {
    serde_json::from_value(json!({
        "organization": "acme",
        "baseUrl": BASE,
        "retry": {"maxAttempts": 3, "baseDelayMs": 100, "maxDelayMs": 1000, "timeBudgetMs": 60000}
    }))
    .unwrap()
}

/// A listing of `count` workspaces as TFE pages it, `size` per page.
fn page(count: usize, size: usize, number: usize) -> String {
    let pages = count.div_ceil(size).max(1);
    let data: Vec<_> = (0..count)
        .skip((number - 1) * size)
        .take(size)
        .map(|i| {
            json!({"id": format!("ws-{i:04}"), "type": "workspaces",
                   "attributes": {"name": format!("ws-{i:04}")},
                   "relationships": {"organization": {"data": {"id": "acme", "type": "organizations"}}}})
        })
        .collect();
    let link =
        |n: usize| format!("{BASE}/api/v2/organizations/acme/workspaces?page%5Bnumber%5D={n}&page%5Bsize%5D={size}");
    json!({
        "data": data,
        "links": {"next": (number < pages).then(|| link(number + 1))},
        "meta": {"pagination": {"current-page": number, "next-page": (number < pages).then_some(number + 1),
                                "total-count": count, "total-pages": pages}}
    })
    .to_string()
}

type Answer = Option<(u16, Vec<(String, String)>, String)>;

fn ok(body: String) -> Answer {
    Some((200, vec![], body))
}

/// The page number a request asks for.
fn page_of(req: &HttpRequest) -> usize {
    let tail = req.url.split("page%5Bnumber%5D=").nth(1).unwrap();
    tail.split('&').next().unwrap().parse().unwrap()
}

/// An empty listing page (projects or modules, in tests about workspaces).
fn empty() -> String {
    json!({"data": [], "links": {"next": null}, "meta": {"pagination": {"current-page": 1, "next-page": null, "total-count": 0}}}).to_string()
}

fn is_workspaces(req: &HttpRequest) -> bool {
    req.url.contains("/workspaces?")
}

/// Runs the planner to its end with virtual time; `server` answers each workspace-list request (or
/// `None` for a transport error), the other listings are empty. Returns the terminal output, the
/// workspace-list requests seen and the final virtual time.
fn drive(
    mut planner: SyncPlanner,
    mut server: impl FnMut(&HttpRequest, usize) -> Answer,
) -> (Output, Vec<HttpRequest>, u64) {
    let mut now = 0;
    let mut seen = Vec::new();
    for _ in 0..10_000 {
        match planner.poll_output(now) {
            Output::Request(req) if req.url.ends_with("/api/v2/ping") => {
                let headers = vec![("X-RateLimit-Limit".to_owned(), "30".to_owned())];
                planner.handle_input(
                    Input::Response(HttpResponse { id: req.id, status: 204, headers, body: String::new() }),
                    now,
                );
            }
            Output::Request(req) if !is_workspaces(&req) => {
                let resp = HttpResponse { id: req.id, status: 200, headers: vec![], body: empty() };
                planner.handle_input(Input::Response(resp), now);
            }
            Output::Request(req) => {
                let input = match server(&req, seen.len()) {
                    Some((status, headers, body)) => {
                        Input::Response(HttpResponse { id: req.id, status, headers, body })
                    }
                    None => Input::TransportError { id: req.id, message: "connection reset".into() },
                };
                seen.push(req);
                now += 10;
                planner.handle_input(input, now);
            }
            Output::Wait { until_ms: Some(t) } => now = t,
            Output::Wait { until_ms: None } => panic!("planner waits with nothing in flight"),
            terminal => return (terminal, seen, now),
        }
    }
    panic!("planner did not finish")
}

fn entities(output: &Output) -> Vec<String> {
    match output {
        Output::Done(s) => s.entities.iter().map(|e| e.get().metadata.name).collect(),
        other => panic!("expected a snapshot, got {other:?}"),
    }
}

fn cause(output: Output) -> SyncError {
    match output {
        Output::Failed { cause, .. } => cause,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn pages_through_the_listing_with_the_fewest_requests() {
    let (out, seen, _) = drive(SyncPlanner::new(config()).unwrap(), |req, _| ok(page(250, 100, page_of(req))));
    assert_eq!(entities(&out).len(), 250);
    assert_eq!(seen.len(), 3, "⌈250/100⌉ requests");
    assert!(seen[0].url.contains("include=current_run") && seen[0].url.contains("page%5Bsize%5D=100"));
    assert!(seen.iter().all(|r| r.headers.iter().all(|(k, _)| k != "Authorization")), "no credentials in requests");
    let Output::Done(snapshot) = out else { unreachable!() };
    assert_eq!(snapshot.stats.requests, 1 + 3 + 2, "the ping, and one page each of projects and modules");
    assert_eq!(snapshot.stats.retries, 0);
}

#[test]
fn projects_modules_and_workspaces_are_read_and_linked() {
    let mut planner = SyncPlanner::new(config()).unwrap();
    let mut now = 0;
    let mut urls = Vec::new();
    let out = loop {
        match planner.poll_output(now) {
            Output::Request(req) if req.url.ends_with("/ping") => {
                planner.handle_input(
                    Input::Response(HttpResponse { id: req.id, status: 204, headers: vec![], body: String::new() }),
                    now,
                );
            }
            Output::Request(req) => {
                urls.push(req.url.clone());
                let body = if req.url.contains("/projects?") {
                    json!({"data": [{"id": "prj-1", "type": "projects", "attributes": {"name": "Core Network"}}]})
                        .to_string()
                } else if req.url.contains("/registry-modules?") {
                    let resp = HttpResponse { id: req.id, status: 404, headers: vec![], body: String::new() };
                    planner.handle_input(Input::Response(resp), now);
                    continue;
                } else {
                    json!({"data": [{"id": "ws-1", "type": "workspaces", "attributes": {"name": "vpc"},
                        "relationships": {"project": {"data": {"id": "prj-1", "type": "projects"}}}}]})
                    .to_string()
                };
                planner.handle_input(
                    Input::Response(HttpResponse { id: req.id, status: 200, headers: vec![], body }),
                    now,
                );
            }
            Output::Wait { until_ms: Some(t) } => now = t,
            other => break other,
        }
    };
    assert_eq!(urls.len(), 3);
    assert!(urls[0].contains("/organizations/acme/projects?page%5Bnumber%5D=1&page%5Bsize%5D=100"));
    assert!(urls[1].contains("/organizations/acme/registry-modules?"));
    assert!(urls[2].contains("/organizations/acme/workspaces?include=current_run,current_run.configuration_version.ingress_attributes,locked_by,outputs&"));
    let Output::Done(snapshot) = out else { panic!("{out:?}") };
    let ws = snapshot.entities.iter().map(JsonText::get).find(|e| e.kind == "Resource").unwrap();
    assert_eq!(
        ws.spec.system.as_deref(),
        Some("system:acme/core-network"),
        "a 404 on modules is 'not entitled', not a failure"
    );
}

#[test]
fn requests_are_paced_under_the_probed_rate_limit() {
    let mut planner = SyncPlanner::new(config()).unwrap();
    let Output::Request(ping) = planner.poll_output(0) else { panic!() };
    assert_eq!(ping.url, format!("{BASE}/api/v2/ping"));
    let headers = vec![("x-ratelimit-limit".to_owned(), "10".to_owned())];
    planner.handle_input(Input::Response(HttpResponse { id: ping.id, status: 204, headers, body: String::new() }), 5);
    // 10 per second at 97 %: at least 104 ms apart (⌈1000 / 9.7⌉).
    let mut now = 5;
    let mut sent = vec![0];
    let out = loop {
        match planner.poll_output(now) {
            Output::Request(req) => {
                sent.push(now);
                let body = if is_workspaces(&req) { page(250, 100, page_of(&req)) } else { empty() };
                planner.handle_input(
                    Input::Response(HttpResponse { id: req.id, status: 200, headers: vec![], body }),
                    now + 1,
                );
                now += 1;
            }
            Output::Wait { until_ms: Some(t) } => now = t,
            other => break other,
        }
    };
    assert_eq!(entities(&out).len(), 250);
    assert!(sent.windows(2).all(|w| w[1] - w[0] >= 104), "{sent:?}");
    assert!(sent.windows(2).all(|w| w[1] - w[0] <= 105), "and no slower: {sent:?}");
}

#[test]
fn a_rejected_token_fails_at_the_ping() {
    let mut planner = SyncPlanner::new(config()).unwrap();
    let Output::Request(ping) = planner.poll_output(0) else { panic!() };
    planner.handle_input(
        Input::Response(HttpResponse { id: ping.id, status: 401, headers: vec![], body: String::new() }),
        1,
    );
    assert!(matches!(cause(planner.poll_output(1)), SyncError::Unauthorized { .. }));
}

#[test]
fn terminal_outputs_are_said_once() {
    let mut planner = SyncPlanner::new(config()).unwrap();
    let Output::Request(req) = planner.poll_output(0) else { panic!() };
    planner.handle_input(
        Input::Response(HttpResponse { id: req.id, status: 401, headers: vec![], body: String::new() }),
        1,
    );
    assert!(matches!(planner.poll_output(1), Output::Failed { .. }));
    assert_eq!(planner.poll_output(2), Output::Wait { until_ms: None });
}

#[test]
fn unauthorized_and_not_found_fail_without_retry() {
    let (out, seen, _) = drive(SyncPlanner::new(config()).unwrap(), |_, _| Some((401, vec![], String::new())));
    assert!(matches!(cause(out), SyncError::Unauthorized { .. }));
    assert_eq!(seen.len(), 1);
    let (out, _, _) = drive(SyncPlanner::new(config()).unwrap(), |_, _| Some((404, vec![], String::new())));
    let err = cause(out);
    assert!(matches!(err, SyncError::NotFound { .. }));
    assert!(err.to_string().contains("organization acme not found"));
}

#[test]
fn a_page_that_keeps_failing_fails_the_whole_sync_after_bounded_retries() {
    let (out, seen, _) = drive(SyncPlanner::new(config()).unwrap(), |req, _| match page_of(req) {
        2 => Some((500, vec![], String::new())),
        n => ok(page(250, 100, n)),
    });
    assert!(matches!(cause(out), SyncError::RetriesExhausted { attempts: 3, .. }));
    let pages: Vec<usize> = seen.iter().map(page_of).collect();
    assert_eq!(pages.iter().filter(|&&p| p == 2).count(), 3, "page 2 three times: {pages:?}");
    assert_eq!(pages.iter().filter(|&&p| p == 3).count(), 1, "page 3 asked ahead once, while page 2 waits: {pages:?}");
    assert_eq!(pages.len(), 1 + 3 + 1, "{pages:?}");
}

#[test]
fn transient_faults_are_retried_until_the_sync_converges() {
    // 500, a dropped connection and a truncated body, once each, on pages 1..3.
    let mut failed = [false; 4];
    let (out, _, _) = drive(SyncPlanner::new(config()).unwrap(), |req, _| {
        let n = page_of(req);
        if !std::mem::replace(&mut failed[n], true) {
            return match n {
                1 => Some((502, vec![], String::new())),
                2 => None,
                _ => Some((200, vec![], page(250, 100, n)[..40].to_owned())),
            };
        }
        ok(page(250, 100, n))
    });
    assert_eq!(entities(&out).len(), 250);
    let Output::Done(snapshot) = out else { unreachable!() };
    assert_eq!(snapshot.stats.retries, 3);
}

#[test]
fn rate_limited_requests_wait_for_the_reset() {
    let mut limited = false;
    let mut retried_at = None;
    let mut now_seen = 0;
    let (out, seen, end) = drive(SyncPlanner::new(config()).unwrap(), |req, i| {
        now_seen = i;
        if !limited {
            limited = true;
            let headers = vec![
                ("x-ratelimit-reset".to_owned(), "2.5".to_owned()),
                ("X-RateLimit-Limit".to_owned(), "30".to_owned()),
            ];
            return Some((429, headers, r#"{"errors":[{"detail":"You have exceeded the API's rate limit.","status":429,"title":"Too many requests"}]}"#.into()));
        }
        retried_at.get_or_insert(i);
        ok(page(50, 100, page_of(req)))
    });
    assert_eq!(entities(&out).len(), 50);
    assert_eq!(seen.len(), 2);
    assert!(end >= 2_500, "waited for X-RateLimit-Reset (ended at {end} ms)");
    let Output::Done(snapshot) = out else { unreachable!() };
    assert_eq!(snapshot.stats.rate_limited, 1);
}

#[test]
fn links_to_another_host_are_not_followed() {
    let foreign = |with_next_page: bool| {
        move |req: &HttpRequest, _| -> Answer {
            let mut doc: serde_json::Value = serde_json::from_str(&page(150, 100, page_of(req))).unwrap();
            if page_of(req) == 1 {
                doc["links"]["next"] =
                    json!("https://evil.example.net/api/v2/organizations/acme/workspaces?page%5Bnumber%5D=2");
                if !with_next_page {
                    doc["meta"]["pagination"]["next-page"] = json!(null);
                }
            }
            ok(doc.to_string())
        }
    };
    let (out, seen, _) = drive(SyncPlanner::new(config()).unwrap(), foreign(true));
    assert_eq!(entities(&out).len(), 150);
    assert!(seen.iter().all(|r| r.url.starts_with(BASE)), "rebuilt from next-page on the configured host");
    let (out, _, _) = drive(SyncPlanner::new(config()).unwrap(), foreign(false));
    assert!(matches!(cause(out), SyncError::ForeignLink(_)));
}

#[test]
fn a_listing_that_shifts_while_paged_is_read_again() {
    // First pass: a workspace is deleted after page 1 is served, so page 2 skips one (TFE pages by
    // offset) and the total no longer matches what was read.
    let (out, seen, _) = drive(SyncPlanner::new(config()).unwrap(), |req, i| {
        let n = page_of(req);
        if i == 1 {
            let mut doc: serde_json::Value = serde_json::from_str(&page(200, 100, n)).unwrap();
            doc["data"].as_array_mut().unwrap().remove(0); // the item that moved to page 1
            doc["meta"]["pagination"]["total-count"] = json!(199);
            return ok(doc.to_string());
        }
        ok(page(if i == 0 { 200 } else { 199 }, 100, n))
    });
    assert_eq!(entities(&out).len(), 199);
    assert_eq!(seen.len(), 4, "two pages, then the listing again");
    let Output::Done(snapshot) = out else { unreachable!() };
    assert_eq!(snapshot.stats.restarts, 1);
}

#[test]
fn the_time_budget_bounds_a_sync() {
    let mut cfg = config();
    cfg.retry.max_attempts = 1_000;
    cfg.retry.time_budget_ms = 5_000;
    let (out, _, end) = drive(SyncPlanner::new(cfg).unwrap(), |_, _| Some((503, vec![], String::new())));
    assert!(matches!(cause(out), SyncError::TimeBudgetExceeded { budget_ms: 5_000, .. }));
    assert!(end <= 5_000 + 1_000 + 10, "stopped soon after the budget ({end} ms)");
}

#[test]
fn bad_configuration_fails_before_any_request() {
    let bad = |patch: serde_json::Value| {
        let mut v = json!({"organization": "acme"});
        v.as_object_mut().unwrap().extend(patch.as_object().unwrap().clone());
        SyncPlanner::new(serde_json::from_value(v).unwrap()).unwrap_err().to_string()
    };
    assert!(bad(json!({"organization": "acme/../x"})).contains("not a TFE organization name"));
    assert!(bad(json!({"namespace": "Acme"})).contains("invalid option namespace"));
    assert!(bad(json!({"defaultOwner": "component:x"})).contains("must be a group or a user"));
    assert!(bad(json!({"pageSize": 500})).contains("outside TFE's 1..=100"));
    assert!(bad(json!({"baseUrl": "ftp://x"})).contains("not an http(s) URL"));
}

#[test]
fn absent_optional_blocks_mean_defaults() {
    let cfg: SyncConfig =
        serde_json::from_value(json!({"organization": "acme", "retry": null, "namespace": null})).unwrap();
    assert_eq!(cfg.retry, RetryPolicy::default());
    assert_eq!(cfg.page_size, 100);
}

#[test]
fn answers_to_requests_not_in_flight_are_errors() {
    let mut planner = SyncPlanner::new(config()).unwrap();
    let Output::Request(req) = planner.poll_output(0) else { panic!() };
    assert!(req.url.ends_with("/ping"));
    planner.handle_input(
        Input::Response(HttpResponse { id: req.id + 7, status: 200, headers: vec![], body: String::new() }),
        1,
    );
    assert!(matches!(cause(planner.poll_output(1)), SyncError::UnexpectedInput(_)));
}

#[test]
fn an_incremental_refresh_reads_runs_back_to_the_window_only() {
    let mut cfg = config();
    cfg.refresh_since = Some("2026-11-20T10:00:00Z".into());
    let run = |id: &str, ws: &str, status: &str, created: &str| {
        json!({"id": id, "type": "runs", "attributes": {"status": status, "created-at": created,
               "status-timestamps": {format!("{}-at", status.replace('_', "-")): created}},
               "relationships": {"workspace": {"data": {"id": ws, "type": "workspaces"}}}})
    };
    // Newest first, like TFE; no totals, like the organization runs list. The newest is a
    // speculative plan: never a workspace's current run.
    let mut speculative = run("run-5", "ws-2", "planned_and_finished", "2026-11-20T10:40:00Z");
    speculative["attributes"]["plan-only"] = json!(true);
    let pages = [
        json!({"data": [speculative, run("run-4", "ws-1", "applying", "2026-11-20T10:30:00Z"), run("run-3", "ws-2", "errored", "2026-11-20T10:20:00Z")],
               "links": {"next": null}, "meta": {"pagination": {"current-page": 1, "next-page": 2}}}),
        json!({"data": [run("run-2", "ws-1", "applied", "2026-11-20T10:10:00Z"), run("run-1", "ws-3", "applied", "2026-11-20T09:00:00Z")],
               "links": {"next": null}, "meta": {"pagination": {"current-page": 2, "next-page": 3}}}),
    ];
    let mut planner = SyncPlanner::new(cfg).unwrap();
    let (mut now, mut sent) = (0, Vec::new());
    let out = loop {
        match planner.poll_output(now) {
            Output::Request(req) => {
                sent.push((now, req.url.clone()));
                let body =
                    if req.url.ends_with("/ping") { String::new() } else { pages[page_of(&req) - 1].to_string() };
                planner.handle_input(
                    Input::Response(HttpResponse { id: req.id, status: 200, headers: vec![], body }),
                    now + 5,
                );
                now += 5;
            }
            Output::Wait { until_ms: Some(t) } => now = t,
            other => break other,
        }
    };
    assert_eq!(sent.len(), 3, "the ping and two pages; the run older than the window ends it: {sent:?}");
    assert!(sent[1].1.contains("/organizations/acme/runs?page%5Bnumber%5D=1"));
    assert!(sent[2].0 - sent[1].0 >= 2_062, "30 per minute at 97 %: {sent:?}");
    let Output::Done(snapshot) = out else { panic!("{out:?}") };
    assert!(snapshot.entities.is_empty());
    let runs: Vec<(&str, &str, &str)> =
        snapshot.runs.iter().map(|u| (u.workspace_id.as_str(), u.run_id.as_str(), u.status.as_str())).collect();
    assert_eq!(
        runs,
        [("ws-1", "run-4", "applying"), ("ws-2", "run-3", "errored")],
        "the latest per workspace, none older than the window, no speculative plan"
    );
}

#[test]
fn a_sync_reads_only_the_assessments_newer_than_it_knows() {
    // Ten workspaces with assessments on, assessed at minute i; the host knows those up to minute 6.
    let listing = || {
        let data: Vec<_> = (0..10)
            .map(|i| {
                json!({"id": format!("ws-{i:04}"), "type": "workspaces",
                       "attributes": {"name": format!("ws-{i:04}"), "assessments-enabled": i != 9,
                                      "last-assessment-result-at": format!("2026-11-20T10:0{i}:00Z")},
                       "relationships": {"organization": {"data": {"id": "acme"}}}})
            })
            .collect();
        json!({"data": data, "links": {"next": null}, "meta": {"pagination": {"current-page": 1, "total-count": 10}}})
            .to_string()
    };
    let mut config = config();
    config.read_assessments = true;
    config.known_assessments = (0..7).map(|i| (format!("ws-{i:04}"), format!("2026-11-20T10:0{i}:00Z"))).collect();
    let mut planner = SyncPlanner::new(config).unwrap();
    let (mut now, mut asked) = (0, Vec::new());
    let snapshot = loop {
        match planner.poll_output(now) {
            Output::Request(req) => {
                let (status, body) = if req.url.ends_with("/ping") {
                    (204, String::new())
                } else if req.url.contains("/current-assessment-result") {
                    asked.push(req.url.clone());
                    let drifted = req.url.contains("ws-0007");
                    if req.url.contains("ws-0008") {
                        (404, String::new())
                    } else {
                        (
                            200,
                            json!({"data": {"id": "asmtres-1", "type": "assessment-results", "attributes": {
                            "drifted": drifted, "succeeded": true, "resources-drifted": 2, "checks-unknown": 1,
                            "created-at": "2026-11-20T10:07:00Z"}}})
                            .to_string(),
                        )
                    }
                } else if is_workspaces(&req) {
                    (200, listing())
                } else {
                    (200, empty())
                };
                planner.handle_input(Input::Response(HttpResponse { id: req.id, status, headers: vec![], body }), now);
            }
            Output::Wait { until_ms: Some(t) } => now = t,
            Output::Done(snapshot) => break snapshot,
            other => panic!("{other:?}"),
        }
    };
    // ws-0007 and ws-0008 are newer than known; ws-0009 has assessments off.
    assert_eq!(asked.len(), 2, "one request per changed assessment: {asked:?}");
    assert_eq!(snapshot.stats.requests, 1 + 3 + 2, "ping + three listings + two assessments");
    assert_eq!(snapshot.stats.assessments, 2);
    assert_eq!(snapshot.assessments.len(), 1, "a 404 is no result, not a failure");
    let a = &snapshot.assessments[0];
    assert_eq!(
        (a.workspace_id.as_str(), a.drift.state.as_str(), a.drift.checks_unknown),
        ("ws-0007", "drifted", Some(1))
    );
}

#[test]
fn organizations_configured_twice_or_sharing_a_namespace_are_refused() {
    let org = |name: &str, host: &str, namespace: Option<&str>| -> SyncConfig {
        serde_json::from_value(json!({"organization": name, "baseUrl": host, "namespace": namespace})).unwrap()
    };
    assert_eq!(check_organizations(&[org("acme", BASE, None), org("globex", BASE, None)]), Ok(()));
    let twice =
        check_organizations(&[org("acme", BASE, None), org("acme", "https://tfe.other.example", Some("acme-2"))]);
    assert!(matches!(twice, Err(SyncError::InvalidConfig(m)) if m.contains("acme is configured twice")));
    let shared = check_organizations(&[org("acme", BASE, None), org("ACME_", BASE, None)]);
    assert!(matches!(shared, Err(SyncError::InvalidConfig(m)) if m.contains("share the catalog namespace acme")));
    let explicit = check_organizations(&[org("acme", BASE, Some("infra")), org("globex", BASE, Some("infra"))]);
    assert!(explicit.is_err());
}

/// What [`drive_concurrently`] saw: the terminal output, each request with the time it left, the
/// most requests in flight at once, and the final virtual time.
struct Concurrent {
    out: Output,
    sent: Vec<(u64, HttpRequest)>,
    most_in_flight: usize,
    end: u64,
}

/// Runs the planner as the hosts do, with every request in flight until its answer is due:
/// `server` answers each workspace-list request, at the time it is sent, with a latency and an
/// answer. The ping and the project and module listings answer after `latency` with empty pages.
fn drive_concurrently(
    planner: SyncPlanner,
    latency: u64,
    mut server: impl FnMut(&HttpRequest, u64) -> (u64, Answer),
) -> Concurrent {
    drive_all_concurrently(planner, |req, now| {
        if req.url.ends_with("/api/v2/ping") {
            (latency, Some((204, vec![("X-RateLimit-Limit".to_owned(), "30".to_owned())], String::new())))
        } else if !is_workspaces(req) {
            (latency, ok(empty()))
        } else {
            server(req, now)
        }
    })
}

/// [`drive_concurrently`] with `server` answering every request.
fn drive_all_concurrently(
    mut planner: SyncPlanner,
    mut server: impl FnMut(&HttpRequest, u64) -> (u64, Answer),
) -> Concurrent {
    let (mut now, mut sent, mut most_in_flight) = (0, Vec::new(), 0);
    let mut pending: Vec<(u64, Input)> = Vec::new();
    for _ in 0..100_000 {
        let deliver_by = match planner.poll_output(now) {
            Output::Request(req) => {
                let (delay, answer) = server(&req, now);
                let input = match answer {
                    Some((status, headers, body)) => {
                        Input::Response(HttpResponse { id: req.id, status, headers, body })
                    }
                    None => Input::TransportError { id: req.id, message: "connection reset".into() },
                };
                pending.push((now + delay, input));
                sent.push((now, req));
                most_in_flight = most_in_flight.max(pending.len());
                continue;
            }
            Output::Wait { until_ms } => until_ms,
            out => return Concurrent { out, sent, most_in_flight, end: now },
        };
        let first = pending.iter().enumerate().min_by_key(|(_, (at, _))| *at).map(|(i, (at, _))| (i, *at));
        match first {
            Some((i, at)) if deliver_by.is_none_or(|by| at <= by) => {
                now = now.max(at);
                let (_, input) = pending.swap_remove(i);
                planner.handle_input(input, now);
            }
            _ => now = deliver_by.expect("planner waits with nothing in flight"),
        }
    }
    panic!("planner did not finish")
}

#[test]
fn pages_leave_on_their_pacing_slots_while_earlier_ones_are_in_flight() {
    // 2,000 workspaces (20 pages) from a server that takes 150 ms per page, over four times the
    // 35 ms pacing interval: one request at a time would take 20 × 150 ms for the workspaces alone.
    let run =
        drive_concurrently(SyncPlanner::new(config()).unwrap(), 150, |req, _| (150, ok(page(2000, 100, page_of(req)))));
    assert_eq!(entities(&run.out).len(), 2000);
    let Output::Done(snapshot) = &run.out else { unreachable!() };
    assert_eq!(snapshot.stats.requests, 1 + 1 + 1 + 20, "no request beyond the lower bound and the ping");
    assert!((5..=MAX_IN_FLIGHT).contains(&run.most_in_flight), "requests overlap: {}", run.most_in_flight);
    let times: Vec<u64> = run.sent.iter().map(|(t, _)| *t).collect();
    assert!(times.windows(2).all(|w| w[1] - w[0] >= 35), "still paced at 97 % of 30/s: {times:?}");
    // The ping's round trip; the first page of each listing on the next three slots, the
    // projects and modules before the workspaces' first page is answered (150 ms: until then,
    // nothing says how many pages follow); its 19 other pages on their slots; the last answer.
    assert_eq!(&times[..5], [0, 150, 185, 220, 370]);
    assert!(run.end <= 370 + 19 * 35 + 150, "ended at {} ms: {times:?}", run.end);
}

#[test]
fn answers_out_of_order_are_folded_in_order() {
    // Page 2 is slow, pages 3 and 4 overtake it; page 3 fails once with a 500 meanwhile.
    let mut failed = false;
    let run = drive_concurrently(SyncPlanner::new(config()).unwrap(), 10, |req, _| match page_of(req) {
        2 => (400, ok(page(450, 100, 2))),
        3 if !std::mem::replace(&mut failed, true) => (5, Some((500, vec![], String::new()))),
        n => (10, ok(page(450, 100, n))),
    });
    let names = entities(&run.out);
    assert_eq!(names.len(), 450);
    let Output::Done(snapshot) = &run.out else { unreachable!() };
    assert_eq!((snapshot.stats.pages, snapshot.stats.retries, snapshot.stats.restarts), (5 + 2, 1, 0));
}

#[test]
fn a_429_holds_every_request_until_the_reset() {
    let mut limited = false;
    let mut answered_429_at = None;
    let run = drive_concurrently(SyncPlanner::new(config()).unwrap(), 100, |req, now| {
        if page_of(req) == 3 && !std::mem::replace(&mut limited, true) {
            answered_429_at = Some(now + 100);
            let headers = vec![("X-RateLimit-Reset".to_owned(), "1.5".to_owned())];
            return (100, Some((429, headers, String::new())));
        }
        (100, ok(page(800, 100, page_of(req))))
    });
    assert_eq!(entities(&run.out).len(), 800);
    let Output::Done(snapshot) = &run.out else { unreachable!() };
    assert_eq!((snapshot.stats.rate_limited, snapshot.stats.retries), (1, 1));
    let at = answered_429_at.unwrap();
    let after: Vec<u64> = run.sent.iter().map(|(t, _)| *t).filter(|t| *t >= at).collect();
    assert!(!after.is_empty() && after.iter().all(|t| *t >= at + 1_500), "nothing left before the reset: {after:?}");
}

#[test]
fn a_listing_that_shifts_under_pages_read_ahead_is_read_again() {
    // A workspace is deleted while the first pass is read: page 3 of the first pass (asked ahead
    // with pages 2 and 4) says 499, not 500. Everything asked ahead of that pass is dropped.
    let mut first_pass = true;
    let run = drive_concurrently(SyncPlanner::new(config()).unwrap(), 50, |req, _| {
        let n = page_of(req);
        if first_pass && n == 3 {
            first_pass = false;
            return (50, ok(page(499, 100, n)));
        }
        (50, ok(page(if first_pass { 500 } else { 499 }, 100, n)))
    });
    assert_eq!(entities(&run.out).len(), 499, "only the second pass counts");
    let Output::Done(snapshot) = &run.out else { unreachable!() };
    assert_eq!(snapshot.stats.restarts, 1);
    let pages: Vec<usize> = run.sent.iter().filter(|(_, r)| is_workspaces(r)).map(|(_, r)| page_of(r)).collect();
    assert_eq!(&pages[pages.len() - 5..], [1, 2, 3, 4, 5], "the second pass from page 1: {pages:?}");
}

#[test]
fn answers_after_the_end_are_dropped() {
    // TFE says there is no page 3 although the first page's total promised 3: the page asked
    // ahead is dropped, and so is its late answer.
    let run = drive_concurrently(SyncPlanner::new(config()).unwrap(), 100, |req, _| {
        let n = page_of(req);
        let mut doc: serde_json::Value = serde_json::from_str(&page(300, 100, n)).unwrap();
        if n == 2 {
            doc["links"]["next"] = json!(null);
            doc["meta"]["pagination"]["next-page"] = json!(null);
            doc["meta"]["pagination"]["total-count"] = json!(300);
        }
        (if n == 3 { 500 } else { 100 }, ok(doc.to_string()))
    });
    // 200 read against a total of 300: read again, and again the same, until it gives up.
    assert!(matches!(cause(run.out), SyncError::ListingKeptChanging(_)));
}

#[test]
fn a_later_listing_answered_before_its_turn_is_taken_in_its_turn() {
    // The projects answer slowly; meanwhile the modules say 404 (not entitled) and the first page
    // of workspaces arrives. Each is taken in order once the projects are in.
    let run = drive_all_concurrently(SyncPlanner::new(config()).unwrap(), |req, _| {
        if req.url.ends_with("/api/v2/ping") {
            (5, Some((204, vec![], String::new())))
        } else if req.url.contains("/projects?") {
            let body = json!({"data": [{"id": "prj-1", "type": "projects", "attributes": {"name": "Core"}}],
                              "meta": {"pagination": {"current-page": 1, "total-count": 1}}});
            (500, ok(body.to_string()))
        } else if req.url.contains("/registry-modules?") {
            (5, Some((404, vec![], String::new())))
        } else {
            let mut doc: serde_json::Value = serde_json::from_str(&page(150, 100, page_of(req))).unwrap();
            for ws in doc["data"].as_array_mut().unwrap() {
                ws["relationships"]["project"] = json!({"data": {"id": "prj-1", "type": "projects"}});
            }
            (5, ok(doc.to_string()))
        }
    });
    let Output::Done(snapshot) = &run.out else { panic!("{:?}", run.out) };
    let resources: Vec<_> = snapshot.entities.iter().map(JsonText::get).filter(|e| e.kind == "Resource").collect();
    assert_eq!(resources.len(), 150);
    assert!(resources.iter().all(|e| e.spec.system.as_deref() == Some("system:acme/core")), "linked to the project");
    let urls: Vec<&str> = run.sent.iter().map(|(_, r)| r.url.as_str()).collect();
    assert!(
        urls[3].contains("/workspaces?") && urls[3].contains("page%5Bnumber%5D=1"),
        "asked before its turn: {urls:?}"
    );
}

#[test]
fn the_snapshot_is_the_mapping_of_its_pages_renames_included() {
    // Three workspaces whose names give one entity name, one of which had a suffixed name before:
    // the snapshot's entities, kept as text through the sync, are the mapping's, byte for byte.
    let data: Vec<_> = ["Net-A", "net-a", "NET-A", "plain"]
        .iter()
        .enumerate()
        .map(|(i, name)| {
            json!({"id": format!("ws-{i}"), "type": "workspaces", "attributes": {"name": name},
                   "relationships": {"organization": {"data": {"id": "acme", "type": "organizations"}}}})
        })
        .collect();
    let body = json!({"data": data, "links": {"next": null},
                      "meta": {"pagination": {"current-page": 1, "next-page": null, "total-count": 4}}})
    .to_string();
    let mut config = config();
    let previous = crate::catalog::naming::with_hash_suffix("net-a", "ws-2");
    config.options.previous_names.insert("ws-2".to_owned(), previous.clone());
    let options = config.options.clone();
    let (out, _, _) = drive(SyncPlanner::new(config).unwrap(), |_, _| ok(body.clone()));
    let Output::Done(snapshot) = out else { panic!("{out:?}") };
    let mapped = crate::map_documents(&[crate::SourceDocument { name: "page".into(), text: body }], &options).unwrap();
    assert_eq!(snapshot.entities, mapped.iter().map(JsonText::new).collect::<Vec<_>>());
    let names: Vec<String> = snapshot.entities.iter().map(|e| e.get().metadata.name).collect();
    let renamed = crate::catalog::naming::with_hash_suffix("net-a", "ws-1");
    let mut expected = vec!["Net-A".to_owned(), previous, renamed, "plain".to_owned()];
    expected.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, expected, "ws-0 has the plain name, ws-2 keeps its earlier one, ws-1 gets its hash");
}
