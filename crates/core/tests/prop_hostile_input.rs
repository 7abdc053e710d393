//! Property tests: generated hostile input to the JSON:API parser and mapping, and to the
//! notification parser and receiver. Nothing may panic, and every emitted entity must pass
//! Backstage's rules (`prop_rules`).
//!
//! Seeded and bounded for `cargo test` (a few hundred cases per property, seconds); for a longer
//! local run: `PROPTEST_CASES=20000 cargo test -p tfe-catalog-core --release --test prop_hostile_input`.
//! `PROPTEST_SEED` picks another seed.

mod prop_rules;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestRunner};
use serde_json::{Value, json};
use tfe_catalog_core::notification::{WebhookAuth, parse_notification, receive, sign};
use tfe_catalog_core::{MapOptions, SourceDocument, map_documents};

fn runner() -> TestRunner {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    TestRunner::new(Config {
        cases: env("PROPTEST_CASES").map_or(256, |c| c as u32),
        rng_seed: RngSeed::Fixed(env("PROPTEST_SEED").unwrap_or(0x7fe_ca7a_1095)),
        failure_persistence: None,
        max_shrink_iters: 2000,
        ..Config::default()
    })
}

/// Strings a hostile or careless TFE could send: any Unicode, control characters, separators
/// only, very long, near-URLs, JSON-ish, and ordinary names.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-zA-Z0-9_-]{1,20}",
        2 => any::<String>(),
        1 => "[ _.:=@/#+\\-]{0,10}",
        1 => "[a-zA-Z0-9 _.\\-]{55,140}",
        1 => "[\\x00-\\x1f\\x7f a-z]{0,20}",
        1 => Just(String::new()),
        1 => Just("javascript:alert(1)".to_owned()),
        1 => Just("https://evil.example/?q=<script>".to_owned()),
        1 => Just("..".to_owned()),
        1 => Just("\u{202e}gnp.exe".to_owned()),
        1 => "[A-Z_]{1,8}(:|=)[A-Za-z0-9_ .@]{0,20}",
    ]
}

fn maybe<T: std::fmt::Debug + Clone + 'static>(s: impl Strategy<Value = T> + 'static) -> BoxedStrategy<Option<T>> {
    prop_oneof![1 => Just(None), 3 => s.prop_map(Some)].boxed()
}

fn text_or_junk() -> impl Strategy<Value = Value> {
    prop_oneof![
        6 => hostile_string().prop_map(Value::String),
        1 => Just(Value::Null),
        1 => any::<i64>().prop_map(Value::from),
        1 => Just(json!({"nested": [1, 2]})),
        1 => Just(json!(true)),
    ]
}

/// A name field: a non-empty hostile string, rarely something that is not a name at all.
fn name_field() -> impl Strategy<Value = Value> {
    prop_oneof![
        30 => hostile_string().prop_filter("TFE names are non-empty", |s| !s.is_empty()).prop_map(Value::String),
        1 => text_or_junk(),
    ]
}

fn timestamp() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!("2026-11-20T15:58:02.000Z")),
        Just(json!("2026-11-20T15:58:02+00:00")),
        Just(json!("9999-12-31T23:59:59Z")),
        text_or_junk(),
    ]
}

fn workspace() -> impl Strategy<Value = Value> {
    (
        hostile_string(),
        name_field(),
        text_or_junk(),
        prop::collection::vec(text_or_junk(), 0..6),
        maybe((text_or_junk(), text_or_junk(), text_or_junk(), text_or_junk())),
        (text_or_junk(), text_or_junk(), text_or_junk(), text_or_junk()),
        maybe(hostile_string()),
        maybe(hostile_string()),
        prop::collection::vec((hostile_string(), hostile_string()), 0..3),
    )
        .prop_map(|(id, name, description, tags, vcs, (source_url, source_name, dir, version), run, project, bindings)| {
            let vcs = vcs.map(|(identifier, url, branch, provider)| {
                json!({"identifier": identifier, "repository-http-url": url, "branch": branch, "service-provider": provider})
            });
            json!({
                "id": format!("ws-{id}"),
                "type": "workspaces",
                "attributes": {
                    "name": name, "description": description, "tag-names": tags, "vcs-repo": vcs,
                    "source-url": source_url, "source-name": source_name, "working-directory": dir,
                    "terraform-version": version, "execution-mode": "remote", "auto-apply": false,
                },
                "relationships": {
                    "organization": {"data": {"id": "acme", "type": "organizations"}},
                    "current-run": {"data": run.map(|r| json!({"id": format!("run-{r}"), "type": "runs"}))},
                    "project": {"data": project.map(|p| json!({"id": format!("prj-{p}"), "type": "projects"}))},
                    "tag-bindings": {"data": bindings.iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>()},
                },
            })
        })
}

fn run_for(workspace: Value) -> impl Strategy<Value = Option<Value>> {
    let run_id = workspace["relationships"]["current-run"]["data"]["id"].clone();
    let ws_id = workspace["id"].clone();
    let status = prop_oneof![4 => Just("applied".to_owned()), 4 => "[a-z_]{1,20}", 2 => hostile_string().prop_filter("", |s| !s.is_empty())];
    (status, timestamp(), text_or_junk()).prop_map(move |(status, at, message)| {
        run_id.as_str().map(|id| {
            json!({
                "id": id, "type": "runs",
                "attributes": {"status": status, "created-at": at, "message": message,
                    "status-timestamps": {"applied-at": at}, "auto-apply": false},
                "relationships": {"workspace": {"data": {"id": ws_id, "type": "workspaces"}}},
            })
        })
    })
}

fn project() -> impl Strategy<Value = Value> {
    (hostile_string(), name_field(), text_or_junk()).prop_map(|(id, name, description)| {
        json!({"id": format!("prj-{id}"), "type": "projects", "attributes": {"name": name, "description": description},
            "relationships": {"organization": {"data": {"id": "acme", "type": "organizations"}}}})
    })
}

fn module() -> impl Strategy<Value = Value> {
    (hostile_string(), name_field(), name_field(), name_field(), text_or_junk(), text_or_junk()).prop_map(
        |(id, name, provider, namespace, registry, version)| {
            json!({"id": format!("mod-{id}"), "type": "registry-modules", "attributes": {
                "name": name, "provider": provider, "namespace": namespace, "registry-name": registry,
                "status": "setup_complete",
                "version-statuses": [{"version": version, "status": "ok"}],
                "vcs-repo": {"repository-http-url": "https://github.com/acme/x"},
            }})
        },
    )
}

/// An organization's documents: a workspace listing (with runs included), projects, modules.
fn organization() -> impl Strategy<Value = Vec<SourceDocument>> {
    (
        prop::collection::vec(workspace(), 0..6),
        prop::collection::vec(project(), 0..3),
        prop::collection::vec(module(), 0..3),
    )
        .prop_flat_map(|(workspaces, projects, modules)| {
            let runs = workspaces.iter().cloned().map(run_for).collect::<Vec<_>>();
            (Just(workspaces), runs, Just(projects), Just(modules))
        })
        .prop_map(|(workspaces, runs, projects, modules)| {
            let included: Vec<Value> = runs.into_iter().flatten().collect();
            vec![
                SourceDocument {
                    name: "workspaces.json".into(),
                    text: json!({"data": workspaces, "included": included}).to_string(),
                },
                SourceDocument { name: "projects.json".into(), text: json!({"data": projects}).to_string() },
                SourceDocument { name: "modules.json".into(), text: json!({"data": modules}).to_string() },
            ]
        })
}

fn options() -> impl Strategy<Value = MapOptions> {
    let rarely = || prop_oneof![6 => Just(None), 1 => hostile_string().prop_map(Some)];
    (
        prop_oneof![6 => Just("acme".to_owned()), 1 => hostile_string()],
        rarely(),
        rarely(),
        rarely(),
        prop_oneof![Just("https://app.terraform.io".to_owned()), Just("https://tfe.example.com:8443/tfe/".to_owned())],
    )
        .prop_map(|(organization, namespace, owner, owner_tag_key, base_url)| MapOptions {
            organization: Some(organization),
            namespace,
            default_owner: owner,
            owner_tag_key,
            base_url: Some(base_url),
            ..MapOptions::default()
        })
}

fn assert_valid(entities: &[tfe_catalog_core::Entity]) -> Result<(), TestCaseError> {
    let json: Value = serde_json::from_str(&tfe_catalog_core::catalog::to_json(entities)).expect("entities serialize");
    let mut seen = std::collections::BTreeSet::new();
    for entity in json.as_array().expect("an array") {
        if let Err(reason) = prop_rules::check_entity(entity) {
            return Err(TestCaseError::fail(format!("{reason}\nin {entity:#}")));
        }
        // Names are unique per kind and namespace, case-insensitively.
        let key = format!("{}:{}/{}", entity["kind"], entity["metadata"]["namespace"], entity["metadata"]["name"])
            .to_lowercase();
        prop_assert!(seen.insert(key.clone()), "two entities share {key}");
    }
    Ok(())
}

#[test]
fn hostile_organizations_map_to_valid_entities_or_a_clear_error() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let (cases, mapped, entities) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
    runner()
        .run(&(organization(), options()), |(documents, options)| {
            cases.fetch_add(1, Ordering::Relaxed);
            match map_documents(&documents, &options) {
                Ok(emitted) => {
                    mapped.fetch_add(1, Ordering::Relaxed);
                    entities.fetch_add(emitted.len(), Ordering::Relaxed);
                    assert_valid(&emitted)?;
                }
                Err(e) => {
                    if std::env::var("PROP_DEBUG").is_ok() {
                        eprintln!("{e}");
                    }
                    prop_assert!(!e.to_string().is_empty())
                }
            }
            Ok(())
        })
        .unwrap();
    // The generator must reach the mapping, not only its errors.
    let (cases, mapped, entities) = (cases.into_inner(), mapped.into_inner(), entities.into_inner());
    eprintln!("{cases} cases, {mapped} mapped, {entities} entities checked");
    assert!(mapped * 4 >= cases && entities >= cases, "{cases} cases, {mapped} mapped, {entities} entities");
}

#[test]
fn arbitrary_bytes_never_panic_the_parsers() {
    let junk = prop_oneof![
        any::<String>(),
        "[\\[\\]{}\":,0-9a-z ]{0,200}",
        "\\{\"data\":(\\[|\\{|null|1|\"x\")[\\[\\]{}\":,a-z\\-]{0,100}",
    ];
    runner()
        .run(&junk, |text| {
            let docs = [SourceDocument { name: "junk".into(), text: text.clone() }];
            if let Ok(entities) =
                map_documents(&docs, &MapOptions { organization: Some("acme".into()), ..MapOptions::default() })
            {
                assert_valid(&entities)?;
            }
            let _ = parse_notification(text.as_bytes());
            let _ = tfe_catalog_core::plan_log::source(&text, "https://app.terraform.io", false);
            Ok(())
        })
        .unwrap();
}

fn notification_body() -> impl Strategy<Value = Vec<u8>> {
    let run = (text_or_junk(), text_or_junk(), text_or_junk(), text_or_junk(), text_or_junk(), timestamp()).prop_map(
        |(run_id, ws_id, org, status, url, at)| {
            json!({"payload_version": 1, "run_id": run_id, "workspace_id": ws_id, "organization_name": org, "run_url": url,
                "notifications": [{"trigger": "run:completed", "run_status": status, "run_updated_at": at}]})
        },
    );
    let workspace = (text_or_junk(), text_or_junk(), any::<i64>(), timestamp()).prop_map(|(trigger, org, drifted, at)| {
        json!({"payload_version": "2", "trigger": trigger, "details": {"organization_name": org, "workspace_id": "ws-1",
            "new_assessment_result": {"resources_drifted": drifted, "created_at": at}}})
    });
    prop_oneof![
        run.prop_map(|v| v.to_string().into_bytes()),
        workspace.prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..300),
    ]
}

#[test]
fn notifications_apply_only_to_the_organization_that_signed_them() {
    runner()
        .run(&(notification_body(), prop_oneof![Just("acme".to_owned()), hostile_string()]), |(body, org)| {
            let token = "hook-token";
            let signature = sign(token, &body);
            // Signed: accepted only when it names the URL's organization (or names none and needs none).
            if let Ok(n) = receive(&org, WebhookAuth::Token(token), &body, Some(&signature)) {
                let named = serde_json::to_value(&n).unwrap();
                let named = named.get("organization").and_then(Value::as_str).map(str::to_owned);
                prop_assert!(named.is_none() || named.as_deref() == Some(org.as_str()), "{named:?} accepted for {org}");
                if let tfe_catalog_core::notification::Notification::Run(event) = &n {
                    prop_assert_eq!(&event.organization, &org);
                }
            }
            // Unsigned, wrongly signed, unknown organization, no token: all refused the same way.
            for (auth, sig) in [
                (WebhookAuth::Token(token), None),
                (WebhookAuth::Token("other"), Some(signature.as_str())),
                (WebhookAuth::UnknownOrganization, Some(signature.as_str())),
                (WebhookAuth::NotConfigured, None),
            ] {
                let err = receive(&org, auth, &body, sig).unwrap_err();
                prop_assert!(err.is_unauthenticated(), "{err}");
                prop_assert!(!err.to_string().contains(token));
            }
            Ok(())
        })
        .unwrap();
}
