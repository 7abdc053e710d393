//! Who and what triggered a run: its configuration version's ingress attributes (the VCS commit,
//! branch, tag or pull request, and who pushed it), and TFE's `created-by` user.
//!
//! TFE offers them as includes of reads the plugin makes anyway: the workspace listing
//! (`current_run.configuration_version.ingress_attributes`), a run
//! (`configuration_version.ingress_attributes,created_by`) and a workspace's run list (the same),
//! so knowing them costs no request. A run uploaded through the API or the CLI has no ingress
//! attributes; then only `created-by` says who.

use serde::{Deserialize, Serialize};

use super::jsonapi::{Document, Resource};
use super::lenient::{Count, Text, object};

/// The longest text kept from a commit (its message) or a pull request (its title).
const MAX_TEXT_CHARS: usize = 500;

/// Who and what triggered a run. Every field is optional: TFE sends what the VCS provider gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    /// Who: the VCS user whose push or pull request made the run, else the TFE user who created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Their avatar (http(s) only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_avatar_url: Option<String>,
    /// Their VCS profile page (http(s) only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_url: Option<String>,
    /// `commit-sha`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_sha: Option<String>,
    /// `commit-url` (http(s) only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_url: Option<String>,
    /// `commit-message`, cut at 500 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_message: Option<String>,
    /// `branch`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// `tag`, for a run started by a tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// `pull-request-number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request_number: Option<u64>,
    /// `pull-request-url` (http(s) only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request_url: Option<String>,
    /// `pull-request-title`, cut at 500 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request_title: Option<String>,
}

object! {
    /// The ingress attributes the catalog reads.
    struct Ingress<'a> {
        "sender-username" => sender_username: Text<'a>,
        "sender-avatar-url" => sender_avatar_url: Text<'a>,
        "sender-html-url" => sender_html_url: Text<'a>,
        "commit-sha" => commit_sha: Text<'a>,
        "commit-url" => commit_url: Text<'a>,
        "commit-message" => commit_message: Text<'a>,
        "branch" => branch: Text<'a>,
        "tag" => tag: Text<'a>,
        "pull-request-number" => pull_request_number: Count<true>,
        "pull-request-url" => pull_request_url: Text<'a>,
        "pull-request-title" => pull_request_title: Text<'a>,
    }
}

object! {
    /// `created-by` of a user.
    struct UserAttributes<'a> {
        "username" => username: Text<'a>,
    }
}

fn web(text: &Text) -> Option<String> {
    text.non_empty().filter(|u| crate::origin::is_web_url(u)).map(str::to_owned)
}

fn cut(text: &Text) -> Option<String> {
    text.non_empty().map(|t| t.chars().take(MAX_TEXT_CHARS).collect())
}

impl Trigger {
    /// From an `ingress-attributes` resource.
    pub fn from_ingress(r: &Resource) -> Self {
        let a: Ingress = r.attributes.view();
        Trigger {
            by: a.sender_username.owned(),
            by_avatar_url: web(&a.sender_avatar_url),
            by_url: web(&a.sender_html_url),
            commit_sha: a.commit_sha.owned(),
            commit_url: web(&a.commit_url),
            commit_message: cut(&a.commit_message),
            branch: a.branch.owned(),
            tag: a.tag.owned(),
            pull_request_number: a.pull_request_number.0,
            pull_request_url: web(&a.pull_request_url),
            pull_request_title: cut(&a.pull_request_title),
        }
    }

    /// The trigger of `run` as far as `doc` includes it: its configuration version's ingress
    /// attributes, and its `created-by` user for who when no VCS user is known. `None` when the
    /// document includes neither.
    pub fn of_run(doc: &Document, run: &Resource) -> Option<Self> {
        let included = |kind: &str, id: Option<&str>| {
            let id = id?;
            doc.included.iter().find(|r| r.kind == kind && r.id == id)
        };
        let cv = included("configuration-versions", run.relationship_id("configuration-version"));
        let ingress = cv.and_then(|cv| included("ingress-attributes", cv.relationship_id("ingress-attributes")));
        let created_by = included("users", run.relationship_id("created-by"))
            .and_then(|u| u.attributes.view::<UserAttributes>().username.owned());
        let mut trigger = ingress.map(Trigger::from_ingress).unwrap_or_default();
        if trigger.by.is_none() {
            trigger.by = created_by;
        }
        (trigger != Trigger::default()).then_some(trigger)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfe::parse_document;

    const RUN: &str = r#"{"data":{"id":"run-1","type":"runs","attributes":{"status":"applied"},"relationships":{"configuration-version":{"data":{"id":"cv-1","type":"configuration-versions"}},"created-by":{"data":{"id":"user-1","type":"users"}}}},"included":[{"id":"cv-1","type":"configuration-versions","attributes":{"source":"github"},"relationships":{"ingress-attributes":{"data":{"id":"ia-1","type":"ingress-attributes"}}}},{"id":"ia-1","type":"ingress-attributes","attributes":{"branch":"main","commit-sha":"abc123","commit-url":"https://github.com/acme/net/commit/abc123","commit-message":"Add a subnet","is-pull-request":true,"pull-request-number":42,"pull-request-url":"https://github.com/acme/net/pull/42","pull-request-title":"More subnets","tag":null,"sender-username":"octocat","sender-avatar-url":"https://avatars.githubusercontent.com/u/1?v=4","sender-html-url":"javascript:alert(1)"}},{"id":"user-1","type":"users","attributes":{"username":"tfe-bot"}}]}"#;

    #[test]
    fn the_vcs_sender_is_who_and_the_commit_is_what() {
        let doc = parse_document("r", RUN).unwrap();
        let t = Trigger::of_run(&doc, &doc.data[0]).unwrap();
        assert_eq!(t.by.as_deref(), Some("octocat"));
        assert_eq!(
            (t.commit_sha.as_deref(), t.branch.as_deref(), t.pull_request_number),
            (Some("abc123"), Some("main"), Some(42))
        );
        assert_eq!(t.pull_request_title.as_deref(), Some("More subnets"));
        assert_eq!(t.by_url, None, "only http(s) URLs are kept");
        assert_eq!(t.tag, None);
    }

    #[test]
    fn without_ingress_the_creator_is_who_and_without_either_nothing_is_known() {
        let no_ingress = RUN.replace(r#"{"data":{"id":"ia-1","type":"ingress-attributes"}}"#, "{\"data\":null}");
        let doc = parse_document("r", &no_ingress).unwrap();
        assert_eq!(
            Trigger::of_run(&doc, &doc.data[0]),
            Some(Trigger { by: Some("tfe-bot".into()), ..Trigger::default() })
        );
        let bare =
            parse_document("r", r#"{"data":{"id":"run-1","type":"runs","attributes":{"status":"applied"}}}"#).unwrap();
        assert_eq!(Trigger::of_run(&bare, &bare.data[0]), None);
    }
}
