//! Typed errors, one enum per stage. Messages are lower-case, name the document, id or field at
//! fault, and never contain a token.
//!
//! Much of what a message names comes from TFE (ids, URLs, error details) and ends up in log
//! lines and terminals, so every such part is shown through [`shown`]: a hostile id cannot start
//! a new log line or send escape sequences to a terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

use thiserror::Error;

/// `text` with control characters (line breaks, escape, NUL, C1 controls...) written as Rust
/// escapes (`\n`, `\u{1b}`); anything else, including non-ASCII letters, as it is.
pub fn shown(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A TFE document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The bytes are not JSON at all.
    #[error("{}: not JSON: {}", shown(.document), shown(.reason))]
    NotJson {
        /// Name of the document (file name or URL).
        document: String,
        /// What the JSON parser said.
        reason: String,
    },
    /// The JSON is not a JSON:API document (no `data` member, or `data` of the wrong shape).
    #[error("{}: not a JSON:API document: {}", shown(.document), shown(.reason))]
    NotJsonApi {
        /// Name of the document.
        document: String,
        /// What is missing or malformed.
        reason: String,
    },
    /// A resource object lacks a field the catalog cannot do without.
    #[error("{}: {}: {}", shown(.document), shown(.resource), shown(.reason))]
    BadResource {
        /// Name of the document.
        document: String,
        /// `type/id` of the resource, as far as known.
        resource: String,
        /// What is wrong.
        reason: String,
    },
    /// A JSON:API error document (`{"errors": [...]}`) was given where data was expected.
    #[error("{}: TFE answered with an error document: {}", shown(.document), shown(.detail))]
    ErrorDocument {
        /// Name of the document.
        document: String,
        /// The errors' titles and details.
        detail: String,
    },
}

/// The mapping from TFE objects to catalog entities failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MapError {
    /// A document could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The options are unusable (for example an invalid namespace or owner).
    #[error("invalid option {option}: {}", shown(.reason))]
    InvalidOption {
        /// The option's name.
        option: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The documents name no organization and none was configured.
    #[error("no organization: pass one, or give documents whose workspaces name theirs")]
    NoOrganization,
    /// Documents of several organizations were mixed into one mapping.
    #[error("documents mix organizations {} and {}: map each organization on its own", shown(.first), shown(.second))]
    MixedOrganizations {
        /// The first organization seen.
        first: String,
        /// Another organization seen.
        second: String,
    },
}

/// A sync could not produce a complete snapshot. The catalog must be left as it was.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The configuration is unusable.
    #[error("invalid sync configuration: {}", shown(.0))]
    InvalidConfig(String),
    /// TFE rejected the token (HTTP 401).
    #[error("TFE rejected the token for organization {organization} (401 at {})", shown(.url))]
    Unauthorized {
        /// The organization being synced.
        organization: String,
        /// The URL that was refused.
        url: String,
    },
    /// The organization does not exist or the token cannot see it (HTTP 404).
    #[error("organization {organization} not found, or not visible to the token (404 at {})", shown(.url))]
    NotFound {
        /// The organization being synced.
        organization: String,
        /// The URL that answered 404.
        url: String,
    },
    /// TFE answered with a status the planner does not retry.
    #[error("TFE answered {status} at {}{}", shown(.url), shown(.detail))]
    UnexpectedStatus {
        /// HTTP status.
        status: u16,
        /// The URL.
        url: String,
        /// `: <error detail>` when the body carried one, else empty.
        detail: String,
    },
    /// A page could not be parsed.
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// Mapping the complete snapshot failed.
    #[error(transparent)]
    Map(#[from] MapError),
    /// A `links.next` pointed at another host; following it would send the token elsewhere.
    #[error("refusing to follow links.next to another origin: {}", shown(.0))]
    ForeignLink(String),
    /// Retries were exhausted (5xx, 429 or network errors).
    #[error("giving up on {} after {attempts} attempts: {}", shown(.url), shown(.last))]
    RetriesExhausted {
        /// The URL.
        url: String,
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The sync took longer than its time budget.
    #[error("sync of {organization} exceeded its time budget of {budget_ms} ms")]
    TimeBudgetExceeded {
        /// The organization being synced.
        organization: String,
        /// The budget.
        budget_ms: u64,
    },
    /// The listing changed while it was paged, again and again.
    #[error("a list kept changing while it was paged ({})", shown(.0))]
    ListingKeptChanging(String),
    /// An input arrived that the planner did not ask for.
    #[error("unexpected input: {}", shown(.0))]
    UnexpectedInput(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_tfe_sent_cannot_forge_a_log_line() {
        let e = ParseError::BadResource {
            document: "workspaces page 1".into(),
            resource: "workspaces/ws-1\n2026-11-24 level=info msg=\"sync ok\"\u{1b}[2J".into(),
            reason: "no name\r".into(),
        };
        let message = e.to_string();
        assert!(!message.chars().any(char::is_control), "{message:?}");
        assert_eq!(
            message,
            "workspaces page 1: workspaces/ws-1\\n2026-11-24 level=info msg=\"sync ok\"\\u{1b}[2J: no name\\r"
        );
        let e = SyncError::RetriesExhausted { url: "https://tfe/\u{0}x".into(), attempts: 3, last: "é\t".into() };
        assert_eq!(e.to_string(), "giving up on https://tfe/\\u{0}x after 3 attempts: é\\t");
        assert!(matches!(shown("plain ünïcode"), Cow::Borrowed(_)));
    }
}
