//! `tfe-catalog map` as a user runs it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn corpus(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus").join(case)
}

fn tfe_catalog(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tfe-catalog"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

#[test]
fn map_gives_the_same_bytes_in_wasmtime_and_natively() {
    let dir = corpus("two-pages-enterprise");
    let pages: Vec<String> =
        ["page-1.json", "page-2.json"].iter().map(|f| dir.join("input").join(f).display().to_string()).collect();
    let args = |native: bool| {
        let mut a = vec!["map", "--base-url", "https://tfe.example.com/", "--owner", "team-platform"];
        a.extend(pages.iter().map(String::as_str));
        if native {
            a.push("--native");
        }
        a.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let wasm = tfe_catalog(&args(false).iter().map(String::as_str).collect::<Vec<_>>(), None);
    let native = tfe_catalog(&args(true).iter().map(String::as_str).collect::<Vec<_>>(), None);
    assert!(wasm.status.success(), "{}", String::from_utf8_lossy(&wasm.stderr));
    assert_eq!(wasm.stdout, native.stdout);
    assert_eq!(wasm.stdout, std::fs::read(dir.join("expected.json")).unwrap());
}

#[test]
fn map_reads_standard_input() {
    let doc = std::fs::read_to_string(corpus("workspace-show").join("input/workspace.json")).unwrap();
    let out = tfe_catalog(&["map", "-"], Some(&doc));
    assert!(out.status.success());
    let entities: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(entities[0]["metadata"]["name"], "dns");
}

#[test]
fn bad_input_is_a_clear_error_and_a_failure() {
    let broken = corpus("error-not-json").join("input/broken.json");
    for native in [false, true] {
        let mut args = vec!["map", broken.to_str().unwrap()];
        if native {
            args.push("--native");
        }
        let out = tfe_catalog(&args, None);
        assert!(!out.status.success());
        assert!(out.stdout.is_empty(), "nothing on stdout");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "tfe-catalog: broken.json: not JSON: EOF while parsing a value at line 1 column 34\n"
        );
    }
    let out = tfe_catalog(&["map", "/no/such/file.json"], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("reading /no/such/file.json"));
}

#[test]
fn map_exports_port_entities() {
    let dir = corpus("port-export");
    let mut inputs: Vec<String> =
        std::fs::read_dir(dir.join("input")).unwrap().map(|e| e.unwrap().path().display().to_string()).collect();
    inputs.sort();
    let mut args = vec!["map", "--format", "port", "--owner", "group:default/platform-team"];
    args.extend(inputs.iter().map(String::as_str));
    let out = tfe_catalog(&args, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let entities: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let instance =
        entities.as_array().unwrap().iter().find(|e| e["identifier"] == "acme.vpc-prod").expect("vpc-prod exported");
    assert_eq!(instance["blueprint"], "blueprint_instance");
    assert_eq!(instance["relations"]["blueprint"], "acme.vpc-aws");
    assert_eq!(instance["properties"]["workspace_id"], "ws-Tagged0000000001");
}

fn notification_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/notifications/run-errored.json")
}

#[test]
fn notification_verify_checks_the_exact_bytes() {
    let body = std::fs::read(notification_file()).unwrap();
    let signature = tfe_catalog_core::notification::sign("hook-token", &body);
    let file = notification_file().display().to_string();
    let run = |sig: &str, token: &str| {
        Command::new(env!("CARGO_BIN_EXE_tfe-catalog"))
            .args(["notification", "verify", "--token-env", "HOOK_TOKEN", "--signature", sig, &file])
            .env("HOOK_TOKEN", token)
            .output()
            .unwrap()
    };
    assert!(run(&signature, "hook-token").status.success());
    let forged = run(&signature, "another-token");
    assert!(!forged.status.success());
    assert_eq!(
        String::from_utf8_lossy(&forged.stderr),
        "tfe-catalog: X-TFE-Notification-Signature does not match the body\n"
    );
    assert!(!String::from_utf8_lossy(&forged.stderr).contains("another-token"), "the token is never printed");
    assert!(!run("zz", "hook-token").status.success());
}

#[test]
fn notification_parse_prints_the_normalised_event() {
    let out = tfe_catalog(&["notification", "parse", notification_file().to_str().unwrap()], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let event: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(event["kind"], "run");
    assert_eq!(event["runStatus"], "canceled");
    assert_eq!(event["bucket"], "canceled");
    assert_eq!(event["final"], true);
    let bad = tfe_catalog(&["notification", "parse", "-"], Some("{not json"));
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).starts_with("tfe-catalog: notification: not JSON"));
}

#[test]
fn tokens_and_urls_are_checked_before_anything_is_sent() {
    let file = notification_file().display().to_string();
    let body = std::fs::read(notification_file()).unwrap();
    let run = |args: &[&str], token: &str| {
        Command::new(env!("CARGO_BIN_EXE_tfe-catalog")).args(args).env("TOKEN", token).output().unwrap()
    };
    // An empty token verifies nothing: it must not say "signature OK" for the empty key's HMAC.
    let empty_sig = tfe_catalog_core::notification::sign("", &body);
    let empty = run(&["notification", "verify", "--token-env", "TOKEN", "--signature", &empty_sig, &file], "");
    assert!(!empty.status.success());
    assert_eq!(String::from_utf8_lossy(&empty.stderr), "tfe-catalog: environment variable TOKEN is empty\n");
    // A token with CR/LF/NUL is refused by position, never quoted.
    for bad in ["s3cret\r\nX-Injected: 1", "s3cret\u{1}token"] {
        let out = run(&["sync", "--url", "https://127.0.0.1:1", "--org", "acme", "--token-env", "TOKEN"], bad);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(stderr.contains("TOKEN contains a character that is not printable ASCII at position 7"), "{stderr}");
        assert!(!stderr.contains("s3cret") && !stderr.contains("token\r"), "{stderr}");
    }
    // Plain HTTP only when asked for.
    let http = run(&["sync", "--url", "http://127.0.0.1:1", "--org", "acme", "--token-env", "TOKEN"], "t");
    assert!(!http.status.success());
    assert!(String::from_utf8_lossy(&http.stderr).contains("--url: baseUrl must use https (http:// given)"));
    // (tests/node/sync-yaml.test.js syncs from the fake TFE over http with --allow-insecure-http.)
    // Port's URL receives the client secret: the same rule, checked before TFE is read.
    let port = Command::new(env!("CARGO_BIN_EXE_tfe-catalog"))
        .args(["port", "push", "--url", "https://127.0.0.1:1", "--org", "acme", "--token-env", "TOKEN"])
        .args(["--port-url", "http://127.0.0.1:1"])
        .env("TOKEN", "t")
        .env("PORT_CLIENT_ID", "id")
        .env("PORT_CLIENT_SECRET", "secret")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&port.stderr);
    assert!(!port.status.success());
    assert!(stderr.contains("--port-url must use https (http:// given)"), "{stderr}");
}
