//! Backstage's entity rules, as `@backstage/catalog-model`'s validators apply them (where its docs
//! and its code differ, the code's rule): a checker every emitted entity must pass.

use serde_json::{Map, Value};

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// `metadata.name`: 1–63 characters, `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`.
pub fn valid_name(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    !chars.is_empty()
        && chars.len() <= 63
        && is_alnum(chars[0])
        && is_alnum(chars[chars.len() - 1])
        && chars.iter().all(|&c| is_alnum(c) || matches!(c, '-' | '_' | '.'))
}

/// A DNS label (namespaces): lowercase, `^[a-z0-9]+(?:-+[a-z0-9]+)*$`, 1–63 characters.
pub fn valid_dns_label(s: &str) -> bool {
    let lower_alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    !s.is_empty()
        && s.len() <= 63
        && s.chars().all(|c| lower_alnum(c) || c == '-')
        && s.starts_with(lower_alnum)
        && s.ends_with(lower_alnum)
}

/// A DNS subdomain (annotation and label key prefixes): dot-separated DNS labels, ≤ 253 characters.
pub fn valid_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(valid_dns_label)
}

/// Annotation and label keys: an optional `<dns-subdomain>/` prefix and a name part.
pub fn valid_key(s: &str) -> bool {
    match s.split_once('/') {
        Some((prefix, name)) => valid_dns_subdomain(prefix) && valid_name(name),
        None => valid_name(s),
    }
}

/// Tags: 1–63 characters, `^[a-z0-9:+#]+(\-[a-z0-9:+#]+)*$`.
pub fn valid_tag(s: &str) -> bool {
    let part =
        |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ":+#".contains(c));
    !s.is_empty() && s.len() <= 63 && s.split('-').all(part)
}

/// `kind`: 1–63 characters, `^[a-zA-Z][a-z0-9A-Z]*$`.
pub fn valid_kind(s: &str) -> bool {
    !s.is_empty() && s.len() <= 63 && s.starts_with(|c: char| c.is_ascii_alphabetic()) && s.chars().all(is_alnum)
}

/// An entity reference `[kind:][namespace/]name`; `needs_kind` for fields without a default kind.
pub fn valid_ref(s: &str, needs_kind: bool, kinds: Option<&[&str]>) -> Result<(), String> {
    let (kind, rest) = match s.split_once(':') {
        Some((k, r)) => (Some(k), r),
        None => (None, s),
    };
    if needs_kind && kind.is_none() {
        return Err(format!("ref {s:?} lacks a kind"));
    }
    if let Some(k) = kind {
        if !valid_kind(k) {
            return Err(format!("ref {s:?}: bad kind"));
        }
        if let Some(allowed) = kinds.filter(|allowed| !allowed.iter().any(|a| a.eq_ignore_ascii_case(k))) {
            return Err(format!("ref {s:?}: kind not one of {allowed:?}"));
        }
    }
    let (namespace, name) = match rest.split_once('/') {
        Some((ns, n)) => (Some(ns), n),
        None => (None, rest),
    };
    if namespace.is_some_and(|ns| !valid_dns_label(ns)) || !valid_name(name) {
        return Err(format!("ref {s:?}: bad namespace or name"));
    }
    Ok(())
}

fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

/// Every rule above, on one emitted entity; the error says which field broke which rule.
pub fn check_entity(entity: &Value) -> Result<(), String> {
    let e = entity.as_object().ok_or("not an object")?;
    for key in e.keys() {
        if !["apiVersion", "kind", "metadata", "spec"].contains(&key.as_str()) {
            return Err(format!("unexpected top-level field {key} (relations and status are the catalog's)"));
        }
    }
    let api = text(e, "apiVersion").ok_or("no apiVersion")?;
    let kind = text(e, "kind").ok_or("no kind")?;
    if !valid_kind(kind) {
        return Err(format!("kind {kind:?}"));
    }
    let expected_api: &[&str] = if kind == "Template" {
        &["scaffolder.backstage.io/v1beta3"]
    } else {
        &["backstage.io/v1alpha1", "backstage.io/v1beta1"]
    };
    if !expected_api.contains(&api) {
        return Err(format!("apiVersion {api:?} for {kind}"));
    }
    let m = e.get("metadata").and_then(Value::as_object).ok_or("no metadata")?;
    let name = text(m, "name").ok_or("no metadata.name")?;
    if !valid_name(name) {
        return Err(format!("metadata.name {name:?}"));
    }
    if let Some(ns) = m.get("namespace").filter(|ns| !ns.as_str().is_some_and(valid_dns_label)) {
        return Err(format!("metadata.namespace {ns}"));
    }
    if let Some(title) = m.get("title").filter(|t| t.as_str().is_none_or(str::is_empty)) {
        return Err(format!("metadata.title {title}"));
    }
    if m.get("description").is_some_and(|d| !d.is_string()) {
        return Err("metadata.description is not a string".into());
    }
    for (key, value) in m.get("annotations").and_then(Value::as_object).into_iter().flatten() {
        if !valid_key(key) || !value.is_string() {
            return Err(format!("annotation {key:?}: {value}"));
        }
    }
    for (key, value) in m.get("labels").and_then(Value::as_object).into_iter().flatten() {
        if !valid_key(key) || !value.as_str().is_some_and(|v| v.is_empty() || valid_name(v)) {
            return Err(format!("label {key:?}: {value}"));
        }
    }
    for tag in m.get("tags").and_then(Value::as_array).into_iter().flatten() {
        if !tag.as_str().is_some_and(valid_tag) {
            return Err(format!("tag {tag}"));
        }
    }
    for link in m.get("links").and_then(Value::as_array).into_iter().flatten() {
        let url = link.get("url").and_then(Value::as_str).ok_or_else(|| format!("link without url: {link}"))?;
        if url::Url::parse(url).is_err() {
            return Err(format!("link url {url:?} does not parse"));
        }
        if let Some(icon) = link.get("icon").filter(|icon| !icon.as_str().is_some_and(valid_name)) {
            return Err(format!("link icon {icon}"));
        }
    }
    let spec = e.get("spec").and_then(Value::as_object).ok_or("no spec")?;
    let required: &[&str] = match kind {
        "Component" => &["type", "lifecycle", "owner"],
        "Resource" => &["type", "owner"],
        "System" => &["owner"],
        _ => &[],
    };
    for field in required {
        if text(spec, field).is_none_or(str::is_empty) {
            return Err(format!("spec.{field} missing for {kind}"));
        }
    }
    if let Some(owner) = text(spec, "owner") {
        valid_ref(owner, false, Some(&["group", "user"]))?;
    }
    if let Some(system) = text(spec, "system") {
        valid_ref(system, false, Some(&["system"]))?;
    }
    for field in ["dependsOn", "dependencyOf"] {
        for r in spec.get(field).and_then(Value::as_array).into_iter().flatten() {
            valid_ref(r.as_str().ok_or("non-string ref")?, true, Some(&["component", "resource"]))?;
        }
    }
    Ok(())
}

#[test]
fn the_checker_knows_the_rules() {
    assert!(valid_name("a--b") && valid_name("my_ws.prod") && !valid_name("-ws") && !valid_name(&"a".repeat(64)));
    assert!(valid_dns_label("tfe-acme") && !valid_dns_label("acme_org") && !valid_dns_label("Default"));
    assert!(valid_key("terraform/workspace") && !valid_key("TFE.io/x") && !valid_key("a/b/c"));
    assert!(valid_tag("env:prod") && valid_tag("tf+aws") && !valid_tag("a--b") && !valid_tag("cost_center"));
    assert!(valid_ref("resource:default/ws", true, None).is_ok() && valid_ref("default/ws", true, None).is_err());
}
