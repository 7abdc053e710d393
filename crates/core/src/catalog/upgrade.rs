//! Blueprint upgrade tracking: which version of its template an instance could move to, and
//! whether it is behind. Decided at sync time, when every module and workspace of the
//! organization is in one snapshot.
//!
//! # The rule
//!
//! - A version *counts* when its registry status is `ok` and it is a semantic version (`1.2.3`,
//!   `1.2.3-rc.1`; a leading `v`, as in Git tags, is allowed). Build metadata (`+…`) is ignored
//!   when comparing, as semantic versioning says.
//! - A template's **newest usable version** is its greatest counting release (a version without a
//!   pre-release part). Only when no release counts is it the greatest pre-release: Terraform's
//!   version constraints skip pre-releases, so `2.0.0-rc1` is never "newest" beside a release.
//! - An instance on a **release** is behind when the template's newest usable release is greater.
//! - An instance on a **pre-release** (`2.0.0-rc.1`) has opted into pre-releases, of its own
//!   `major.minor.patch` only (the rule of Cargo and npm): it is behind when a greater release, or
//!   a greater pre-release of the same `2.0.0`, counts. `2.0.0-rc.1` moves to `2.0.0-rc.2` or
//!   `2.0.0`, never to `3.0.0-alpha`.
//! - An instance whose version is unknown or is not a semantic version is **never behind**:
//!   nothing can be said about it. Nor is one ahead of everything that counts (a version not yet
//!   `ok`, or withdrawn).

use std::collections::BTreeMap;

use semver::Version;

use super::{Entity, annotations as a};

/// Where an instance stands against its template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upgrade {
    /// The version the instance could move to: the newest usable for it (as the registry spells it).
    pub latest: String,
    /// Whether it is behind `latest`; `None` when its own version is unknown or unparsable.
    pub outdated: Option<bool>,
}

/// A version string as a semantic version, if it is one.
pub fn parse(version: &str) -> Option<Version> {
    let v = version.trim();
    Version::parse(v.strip_prefix('v').unwrap_or(v)).ok()
}

/// The counting versions of `(version, status)` pairs, with their spelling.
fn counting(versions: &[(String, String)]) -> impl Iterator<Item = (&str, Version)> {
    versions.iter().filter(|(_, status)| status == "ok").filter_map(|(v, _)| Some((v.as_str(), parse(v)?)))
}

fn greatest<'a>(candidates: impl Iterator<Item = (&'a str, Version)>) -> Option<(&'a str, Version)> {
    candidates.max_by(|(_, a), (_, b)| a.cmp_precedence(b))
}

/// The template's newest usable version (see the rule above).
pub fn newest_usable(versions: &[(String, String)]) -> Option<&str> {
    greatest(counting(versions).filter(|(_, v)| v.pre.is_empty()))
        .or_else(|| greatest(counting(versions)))
        .map(|(spelling, _)| spelling)
}

/// Where an instance on `instance` (its version, when known) stands against a template with
/// `versions`; `None` when the template has no usable version.
pub fn upgrade(instance: Option<&str>, versions: &[(String, String)]) -> Option<Upgrade> {
    let Some(current) = instance.and_then(parse) else {
        return newest_usable(versions).map(|latest| Upgrade { latest: latest.to_owned(), outdated: None });
    };
    let same_release = |v: &Version| (v.major, v.minor, v.patch) == (current.major, current.minor, current.patch);
    let candidates =
        counting(versions).filter(|(_, v)| v.pre.is_empty() || (!current.pre.is_empty() && same_release(v)));
    let Some((latest, version)) = greatest(candidates) else {
        return newest_usable(versions).map(|latest| Upgrade { latest: latest.to_owned(), outdated: Some(false) });
    };
    Some(Upgrade { latest: latest.to_owned(), outdated: Some(version.cmp_precedence(&current).is_gt()) })
}

/// Writes on an instance the version it could move to and whether it is behind, given its
/// template's `versions` (its own version is its `terraform.io/blueprint-version`).
pub fn annotate_instance(instance: &mut Entity, versions: &[(String, String)]) {
    let ann = &mut instance.metadata.annotations;
    let Some(upgrade) = upgrade(ann.get(a::BLUEPRINT_VERSION).map(String::as_str), versions) else {
        return;
    };
    ann.insert(a::BLUEPRINT_LATEST_VERSION.into(), upgrade.latest);
    if let Some(outdated) = upgrade.outdated {
        ann.insert(a::BLUEPRINT_OUTDATED.into(), outdated.to_string());
    }
}

/// The module path of the template an instance (annotated by [`annotate_instance`]) is behind,
/// if it is behind one.
pub fn outdated_blueprint(instance: &Entity) -> Option<&str> {
    let ann = &instance.metadata.annotations;
    (ann.get(a::BLUEPRINT_OUTDATED).map(String::as_str) == Some("true"))
        .then(|| ann.get(a::BLUEPRINT))
        .flatten()
        .map(String::as_str)
}

/// Writes on each template how many instances are behind it, given the module path of each
/// instance that is behind ([`outdated_blueprint`]).
pub fn annotate_templates<'a>(templates: &mut [Entity], behind_paths: impl IntoIterator<Item = &'a str>) {
    let mut behind: BTreeMap<&str, usize> = BTreeMap::new();
    for path in behind_paths {
        *behind.entry(path).or_default() += 1;
    }
    for template in templates.iter_mut() {
        let ann = &mut template.metadata.annotations;
        let count = ann.get(a::MODULE_PATH).and_then(|p| behind.get(p.as_str())).copied().unwrap_or(0);
        ann.insert(a::BLUEPRINT_INSTANCES_BEHIND.into(), count.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(versions: &[&str]) -> Vec<(String, String)> {
        versions.iter().map(|v| ((*v).to_owned(), "ok".to_owned())).collect()
    }

    /// (instance version, template versions, expected latest, expected outdated).
    type Case = (Option<&'static str>, &'static [&'static str], Option<&'static str>, Option<bool>);
    const CASES: &[Case] = &[
        // Releases: numeric order, not text order.
        (Some("1.9.0"), &["1.9.0", "1.10.0"], Some("1.10.0"), Some(true)),
        (Some("1.10.0"), &["1.9.0", "1.10.0"], Some("1.10.0"), Some(false)),
        // A pre-release is never newest for an instance on a release...
        (Some("1.0.0"), &["1.0.0", "2.0.0-rc.1"], Some("1.0.0"), Some(false)),
        // ...but an instance on a pre-release sees those of its own version, and releases.
        (Some("2.0.0-rc.1"), &["1.0.0", "2.0.0-rc.1", "2.0.0-rc.2"], Some("2.0.0-rc.2"), Some(true)),
        (Some("2.0.0-rc.1"), &["2.0.0-rc.1", "2.0.0-rc.2", "2.0.0"], Some("2.0.0"), Some(true)),
        (Some("2.0.0-rc.2"), &["1.0.0", "2.0.0-rc.1", "2.0.0-rc.2"], Some("2.0.0-rc.2"), Some(false)),
        // Not pre-releases of another version.
        (Some("1.0.0-beta"), &["1.0.0-beta", "2.0.0-alpha"], Some("1.0.0-beta"), Some(false)),
        // An instance ahead of every release is not behind the older release.
        (Some("2.0.0-rc.1"), &["1.5.0", "2.0.0-rc.1"], Some("2.0.0-rc.1"), Some(false)),
        // Unknown or unparsable instance versions are never behind.
        (None, &["1.0.0", "1.2.0"], Some("1.2.0"), None),
        (Some("latest"), &["1.0.0", "1.2.0"], Some("1.2.0"), None),
        (Some("1.2"), &["1.0.0", "1.2.0"], Some("1.2.0"), None),
        // Unparsable template versions never count; a leading v and build metadata are fine.
        (Some("1.0.0"), &["1.0.0", "banana", "v1.1.0+build.7"], Some("v1.1.0+build.7"), Some(true)),
        (Some("v1.1.0"), &["1.1.0+build.7"], Some("1.1.0+build.7"), Some(false)),
        // A template with nothing usable says nothing.
        (Some("1.0.0"), &["next"], None, None),
    ];

    #[test]
    fn the_semver_rule() {
        for (instance, versions, latest, outdated) in CASES {
            let got = upgrade(*instance, &ok(versions));
            assert_eq!(got.as_ref().map(|u| u.latest.as_str()), *latest, "latest for {instance:?} in {versions:?}");
            if latest.is_some() {
                assert_eq!(got.unwrap().outdated, *outdated, "outdated for {instance:?} in {versions:?}");
            }
        }
    }

    #[test]
    fn only_ok_versions_count_and_releases_come_before_prereleases() {
        let mut versions = ok(&["1.0.0", "2.0.0-rc1"]);
        versions.push(("1.5.0".into(), "reg_ingressing".into()));
        assert_eq!(newest_usable(&versions), Some("1.0.0"));
        assert_eq!(
            newest_usable(&ok(&["2.0.0-rc1", "2.0.0-rc2"])),
            Some("2.0.0-rc2"),
            "no release: newest pre-release"
        );
        assert_eq!(newest_usable(&ok(&["garbage"])), None);
        assert_eq!(
            upgrade(Some("1.0.0"), &versions).unwrap(),
            Upgrade { latest: "1.0.0".into(), outdated: Some(false) }
        );
    }
}
