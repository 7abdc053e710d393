//! What a token may contain. Tokens (TFE API tokens, webhook tokens) are checked when the
//! configuration is read, before any is used: a token with a control character would otherwise
//! reach an HTTP client whose error text quotes the header it refused, and from there logs, stored
//! sync errors and pages. Messages name the setting and the position, never the token.

use thiserror::Error;

/// Why a configured token is unusable.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The token is empty (an unset environment variable often ends up so).
    #[error("{setting} is empty")]
    Empty {
        /// The setting, e.g. `terraform.organizations[acme].token`.
        setting: String,
    },
    /// The token holds a character other than printable ASCII (space, CR, LF, NUL, non-ASCII).
    #[error(
        "{setting} contains a character that is not printable ASCII at position {position} (a trailing newline or space?); tokens are printable ASCII without spaces"
    )]
    NotPrintable {
        /// The setting.
        setting: String,
        /// 1-based character position of the first offending character.
        position: usize,
    },
}

/// Checks a token: non-empty, printable ASCII (`!` to `~`) only.
pub fn check_token(setting: &str, token: &str) -> Result<(), TokenError> {
    if token.is_empty() {
        return Err(TokenError::Empty { setting: setting.to_owned() });
    }
    match token.chars().position(|c| !c.is_ascii_graphic()) {
        Some(i) => Err(TokenError::NotPrintable { setting: setting.to_owned(), position: i + 1 }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_printable_ascii_and_never_quoted() {
        assert_eq!(check_token("t", "abc.atlasv1.XYZ-_=+/"), Ok(()));
        assert_eq!(check_token("t", ""), Err(TokenError::Empty { setting: "t".into() }));
        for (bad, position) in [("secret\r\nX: y", 7), ("secret\n", 7), ("sec\0ret", 4), (" secret", 1), ("sécret", 2)]
        {
            let err = check_token("terraform.organizations[acme].token", bad).unwrap_err();
            assert_eq!(
                err,
                TokenError::NotPrintable { setting: "terraform.organizations[acme].token".into(), position }
            );
            assert!(!err.to_string().contains("secret") && !err.to_string().contains("ret"), "{err}");
        }
    }
}
