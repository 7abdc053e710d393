//! Names, namespaces, tags and refs that pass Backstage's validators
//! (`@backstage/catalog-model` 1.10: the name, namespace and tag rules of its `KubernetesValidatorFunctions`).
//!
//! One rule per concept, used by every mapping: an entity name keeps the TFE name whenever it is
//! already valid, so that people recognise it; anything changed or shortened carries a short hash
//! of the original so that distinct TFE names never meet in one Backstage name.

use sha2::{Digest, Sha256};

/// Backstage's limit for names, namespaces and tags.
pub const MAX_LEN: usize = 63;
const HASH_LEN: usize = 8;

/// A short, stable, lower-case hex hash of `input` (the first 8 hex digits of its SHA-256).
pub fn short_hash(input: &str) -> String {
    let digest = Sha256::digest(input.as_bytes());
    digest.iter().take(HASH_LEN / 2).map(|b| format!("{b:02x}")).collect()
}

/// `metadata.name` for a TFE object named `raw`: characters Backstage does not allow become `-`,
/// leading and trailing separators go, and a name over 63 characters is cut and ends in `-<hash>`.
pub fn entity_name(raw: &str) -> String {
    let replaced: String =
        raw.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' }).collect();
    let trimmed = replaced.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    if trimmed.is_empty() {
        return format!("tfe-{}", short_hash(raw));
    }
    if trimmed.len() <= MAX_LEN {
        return trimmed.to_owned();
    }
    with_hash_suffix(trimmed, raw)
}

/// A lower-case DNS-label slug: runs of anything but `[a-z0-9]` become one `-`. Used for
/// namespaces and for names people typed with spaces (TFE project names).
pub fn slug(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// The default namespace of an organization: its name as a DNS label (`Acme_Corp` → `acme-corp`).
pub fn namespace_for_org(organization: &str) -> String {
    let s = slug(organization);
    if s.is_empty() {
        return format!("tfe-{}", short_hash(organization));
    }
    if s.len() <= MAX_LEN {
        return s;
    }
    with_hash_suffix(&s, organization)
}

/// A Backstage tag for a TFE tag, or `None` when nothing of it survives: lower-cased, every run of
/// characters outside `[a-z0-9:+#]` becomes one `-`, at most 63 characters.
pub fn tag(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, ':' | '+' | '#') {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut t = out.trim_matches('-').to_owned();
    if t.len() > MAX_LEN {
        t.truncate(MAX_LEN);
        t = t.trim_end_matches('-').to_owned();
    }
    (!t.is_empty()).then_some(t)
}

/// `base` cut so that `-<hash of hash_input>` fits in 63 characters, without a separator before
/// the dash. `base` must already be a valid name or namespace (ASCII), so the result is one too.
pub fn with_hash_suffix(base: &str, hash_input: &str) -> String {
    let keep = MAX_LEN - HASH_LEN - 1;
    let head = base[..keep.min(base.len())].trim_end_matches(|c: char| !c.is_ascii_alphanumeric());
    format!("{head}-{}", short_hash(hash_input))
}

/// Whether `name` is `base` itself or `base` with a hash suffix ([`with_hash_suffix`]): a name
/// the entity's current TFE name still gives it.
pub fn derives_from(name: &str, base: &str) -> bool {
    if name.eq_ignore_ascii_case(base) {
        return true;
    }
    let Some((head, hash)) = name.rsplit_once('-') else {
        return false;
    };
    let expected_head = with_hash_suffix(base, "");
    let expected_head = &expected_head[..expected_head.len() - HASH_LEN - 1];
    hash.len() == HASH_LEN
        && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && head.eq_ignore_ascii_case(expected_head)
}

/// `metadata.name` rule: 1–63 characters, `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`.
pub fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_LEN
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `metadata.namespace` rule: a lower-case DNS label, `^[a-z0-9]+(?:-+[a-z0-9]+)*$`, 1–63.
pub fn is_valid_namespace(namespace: &str) -> bool {
    !namespace.is_empty()
        && namespace.len() <= MAX_LEN
        && !namespace.starts_with('-')
        && !namespace.ends_with('-')
        && namespace.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `metadata.tags[]` rule: `^[a-z0-9:+#]+(\-[a-z0-9:+#]+)*$`, 1–63.
pub fn is_valid_tag(tag: &str) -> bool {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b':' | b'+' | b'#'))
    };
    tag.len() <= MAX_LEN && tag.split('-').all(part_ok)
}

/// A full owner ref `kind:namespace/name` from what people write in config (`team-a`,
/// `group:team-a`, `user:default/jdoe`). The kind defaults to `group` and must be a group or user;
/// the namespace defaults to `default` (not the entity's namespace, which is the organization's).
pub fn owner_ref(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let (kind, rest) = match raw.split_once(':') {
        Some((kind, rest)) => (kind.to_ascii_lowercase(), rest),
        None => ("group".to_owned(), raw),
    };
    let (namespace, name) = rest.split_once('/').unwrap_or(("default", rest));
    if kind != "group" && kind != "user" {
        return Err(format!("owner {raw:?} must be a group or a user, not a {kind}"));
    }
    if !is_valid_namespace(namespace) {
        return Err(format!("owner {raw:?} has an invalid namespace {namespace:?}"));
    }
    if !is_valid_name(name) {
        return Err(format!("owner {raw:?} has an invalid name {name:?}"));
    }
    Ok(format!("{kind}:{namespace}/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_workspace_names_are_kept() {
        for name in ["workspace-1", "my_ws.prod", "ws_ABC", "prod-eu-west-1"] {
            assert_eq!(entity_name(name), name);
        }
    }

    #[test]
    fn invalid_edges_and_characters_are_replaced() {
        assert_eq!(entity_name("_internal_"), "internal");
        assert_eq!(entity_name("mod/aws"), "mod-aws");
        assert_eq!(entity_name("Default Project"), "Default-Project");
        assert!(is_valid_name(&entity_name("---")));
        assert!(is_valid_name(&entity_name("ünïcødé")));
    }

    #[test]
    fn long_names_are_cut_with_a_stable_hash() {
        let long = "a".repeat(40) + "-" + &"b".repeat(40);
        let name = entity_name(&long);
        assert_eq!(name.len(), 63);
        assert!(is_valid_name(&name));
        assert_eq!(name, entity_name(&long), "stable");
        let other = "a".repeat(40) + "-" + &"b".repeat(39) + "c";
        assert_ne!(entity_name(&other), name, "distinct originals stay distinct");
    }

    #[test]
    fn namespaces_are_dns_labels() {
        assert_eq!(namespace_for_org("Acme_Corp"), "acme-corp");
        assert_eq!(namespace_for_org("acme"), "acme");
        assert!(is_valid_namespace(&namespace_for_org("__")));
        assert!(is_valid_namespace(&namespace_for_org(&"x-".repeat(50))));
        assert!(!is_valid_namespace("Default"));
        assert!(!is_valid_namespace("acme_org"));
    }

    #[test]
    fn tags_follow_the_validator() {
        assert_eq!(tag("env:prod").as_deref(), Some("env:prod"));
        assert_eq!(tag("Cost_Center").as_deref(), Some("cost-center"));
        assert_eq!(tag("a--b").as_deref(), Some("a-b"));
        assert_eq!(tag("team=platform@acme.io").as_deref(), Some("team-platform-acme-io"));
        assert_eq!(tag("___"), None);
        for raw in ["x".repeat(100), "a-".repeat(40), "tf+aws".into()] {
            let t = tag(&raw).unwrap();
            assert!(is_valid_tag(&t), "{t}");
        }
        assert!(!is_valid_tag("Prod"));
        assert!(!is_valid_tag("a--b"));
    }

    #[test]
    fn owner_refs_are_completed() {
        assert_eq!(owner_ref("team-a").unwrap(), "group:default/team-a");
        assert_eq!(owner_ref("Group:platform").unwrap(), "group:default/platform");
        assert_eq!(owner_ref("user:people/jdoe").unwrap(), "user:people/jdoe");
        assert!(owner_ref("component:x").is_err());
        assert!(owner_ref("group:Bad_NS/x").is_err());
        assert!(owner_ref("").is_err());
    }
}
