//! Which hosts the plugin talks to. The token goes only to the configured TFE host, over https
//! unless the configuration explicitly allows plain HTTP (tests and local fakes); plan logs are
//! read only from that host or from TFE's documented archivist host, on the same terms. URLs are
//! parsed by the WHATWG rules, the ones the hosts' HTTP clients apply, and the checked URL is
//! returned in its parsed form so that the host fetches exactly what was checked.

use thiserror::Error;
use url::Url;

/// HCP Terraform's host, whose plan logs are served by [`HCP_ARCHIVIST_HOST`].
pub const HCP_TERRAFORM_HOST: &str = "app.terraform.io";
/// Where HCP Terraform's pre-signed `log-read-url`s point. Terraform Enterprise serves them from
/// its own host.
pub const HCP_ARCHIVIST_HOST: &str = "archivist.terraform.io";

/// Why a URL is refused. Messages never include a query string (pre-signed URLs carry their
/// signature there).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum OriginError {
    /// Not a URL at all.
    #[error("{what} is not a URL")]
    NotAUrl {
        /// `baseUrl`, `the plan log URL`, ...
        what: String,
    },
    /// `http://` (or another scheme) where `https://` is required.
    #[error("{what} must use https ({scheme}:// given); set allowInsecureHttp: true only for a local test server")]
    Insecure {
        /// Which URL.
        what: String,
        /// The scheme given.
        scheme: String,
    },
    /// The base URL carries user info, a query or a fragment.
    #[error("{what} must be a plain origin and path, without user info, query or fragment")]
    NotPlain {
        /// Which URL.
        what: String,
    },
    /// A plan log URL on a host the plugin does not trust.
    #[error("{what} points at host {}, which is neither the configured TFE host nor its archivist", crate::error::shown(.host))]
    ForeignHost {
        /// Which URL.
        what: String,
        /// The host it points at.
        host: String,
    },
}

fn parse(what: &str, text: &str) -> Result<Url, OriginError> {
    Url::parse(text.trim()).map_err(|_| OriginError::NotAUrl { what: what.to_owned() })
}

fn check_scheme(what: &str, url: &Url, allow_insecure_http: bool) -> Result<(), OriginError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http => Ok(()),
        scheme => Err(OriginError::Insecure { what: what.to_owned(), scheme: scheme.to_owned() }),
    }
}

/// The configured TFE base URL, checked: https (or http when explicitly allowed), a host, no
/// user info, query or fragment. Returns it without a trailing slash.
pub fn check_base_url(base_url: &str, allow_insecure_http: bool) -> Result<String, OriginError> {
    check_api_url("baseUrl", base_url, allow_insecure_http)
}

/// The base URL of an API that receives a credential (TFE's, Port's), by the same rule as
/// [`check_base_url`]; `what` names the setting in the error.
pub fn check_api_url(what: &str, base_url: &str, allow_insecure_http: bool) -> Result<String, OriginError> {
    let url = parse(what, base_url)?;
    check_scheme(what, &url, allow_insecure_http)?;
    let plain = url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none()
        && url.query().is_none()
        && url.fragment().is_none();
    if !plain {
        return Err(OriginError::NotPlain { what: what.to_owned() });
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A plan's `log-read-url`, checked against the configured base URL: on the base URL's origin,
/// or on [`HCP_ARCHIVIST_HOST`] over https when the base URL is HCP Terraform. Returns the URL to
/// fetch (as parsed), which the host must fetch without following redirects.
pub fn check_plan_log_url(log_url: &str, base_url: &str, allow_insecure_http: bool) -> Result<String, OriginError> {
    let what = "the plan's log-read-url";
    let base = parse("baseUrl", base_url)?;
    let url = parse(what, log_url)?;
    check_scheme(what, &url, allow_insecure_http)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(OriginError::NotPlain { what: what.to_owned() });
    }
    let same_origin = url.origin() == base.origin();
    let archivist = url.scheme() == "https"
        && base.host_str() == Some(HCP_TERRAFORM_HOST)
        && url.host_str() == Some(HCP_ARCHIVIST_HOST)
        && url.port().is_none();
    if !(same_origin || archivist) {
        return Err(OriginError::ForeignHost {
            what: what.to_owned(),
            host: url.host_str().unwrap_or_default().to_owned(),
        });
    }
    Ok(url.into())
}

/// Whether `text` is an absolute http(s) URL, the only links put on entities: a repository URL
/// TFE reports as `javascript:…` or a bare word would be a script link, or an entity Backstage
/// refuses.
pub fn is_web_url(text: &str) -> bool {
    Url::parse(text)
        .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_web_urls_are_links() {
        assert!(super::is_web_url("https://github.com/acme/net"));
        for bad in ["javascript:alert(1)", "_Zz_cU-fd", "file:///etc/passwd", "data:text/html,x", ""] {
            assert!(!super::is_web_url(bad), "{bad}");
        }
    }

    use super::*;

    #[test]
    fn base_urls_are_https_unless_explicitly_allowed() {
        assert_eq!(check_base_url("https://app.terraform.io/", false).unwrap(), "https://app.terraform.io");
        assert_eq!(
            check_base_url("https://tfe.example.com:8443/tfe", false).unwrap(),
            "https://tfe.example.com:8443/tfe"
        );
        let insecure = check_base_url("http://tfe.example.com", false).unwrap_err();
        assert!(matches!(insecure, OriginError::Insecure { .. }));
        assert!(insecure.to_string().contains("allowInsecureHttp"));
        assert_eq!(check_base_url("http://127.0.0.1:9999", true).unwrap(), "http://127.0.0.1:9999");
        assert!(matches!(check_base_url("file:///etc/passwd", true), Err(OriginError::Insecure { .. })));
        assert!(matches!(check_base_url("https://user:pw@tfe.example.com", false), Err(OriginError::NotPlain { .. })));
        assert!(matches!(check_base_url("https://tfe.example.com/?x=1", false), Err(OriginError::NotPlain { .. })));
        assert!(matches!(check_base_url("app.terraform.io", false), Err(OriginError::NotAUrl { .. })));
    }

    #[test]
    fn plan_logs_come_from_the_configured_host_or_its_archivist() {
        let hcp = "https://app.terraform.io";
        let signed = "https://archivist.terraform.io/v1/object/dmF1bHQ6djE?sig=secret";
        assert_eq!(check_plan_log_url(signed, hcp, false).unwrap(), signed);
        let tfe = "https://tfe.example.com";
        assert!(check_plan_log_url("https://tfe.example.com/_archivist/v1/object/x", tfe, false).is_ok());
        // The archivist is HCP Terraform's, not a Terraform Enterprise's.
        let foreign = check_plan_log_url(signed, tfe, false).unwrap_err();
        assert_eq!(
            foreign,
            OriginError::ForeignHost { what: "the plan's log-read-url".into(), host: "archivist.terraform.io".into() }
        );
        assert!(!foreign.to_string().contains("secret"));
        for hostile in [
            "https://evil.example/v1/object/x",
            "https://archivist.terraform.io.evil.example/x",
            "https://archivist.terraform.io:8443/x",
            "https://app.terraform.io@evil.example/x",
            "http://archivist.terraform.io/v1/object/x",
            "http://app.terraform.io/x",
            "file:///etc/passwd",
            "javascript:alert(1)",
        ] {
            assert!(check_plan_log_url(hostile, hcp, false).is_err(), "{hostile}");
        }
        let fake = "http://127.0.0.1:4000";
        assert!(check_plan_log_url("http://127.0.0.1:4000/_archivist/v1/object/p", fake, true).is_ok());
        assert!(check_plan_log_url("http://127.0.0.1:4001/_archivist/v1/object/p", fake, true).is_err());
    }
}
