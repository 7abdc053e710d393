//! Which of a workspace's outputs become entity links: those named by the organization's
//! convention (`url`, `console_url`, `backstage_link_<title>` unless configured otherwise) whose
//! value is an http(s) URL. Anything else (a `javascript:` URL, a number, a sensitive output) is
//! never a link: the rule fails closed.

use super::entity::Link;
use crate::tfe::Output;

/// `type` of the links made from outputs.
pub const OUTPUT_LINK_TYPE: &str = "terraform-output";
/// The prefix of outputs whose name is the link's title.
const TITLED_PREFIX: &str = "backstage_link_";
/// The most links one workspace's outputs make.
pub const MAX_OUTPUT_LINKS: usize = 10;

/// Whether `name` matches a pattern: an exact name, or a prefix ending in `*`.
fn matches(patterns: &[String], name: &str) -> bool {
    patterns.iter().any(|p| match p.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix) && name.len() > prefix.len(),
        None => p == name,
    })
}

/// The links of `outputs` by the `patterns` (see [`super::MapOptions::output_links`]), in the
/// outputs' order, at most [`MAX_OUTPUT_LINKS`]. `backstage_link_grafana` is titled `grafana`;
/// other outputs by their name.
pub fn links(outputs: &[Output], patterns: &[String]) -> Vec<Link> {
    outputs
        .iter()
        .filter(|o| !o.sensitive && matches(patterns, &o.name))
        .filter_map(|o| {
            let url = o.web_url()?;
            let title = o.name.strip_prefix(TITLED_PREFIX).filter(|t| !t.is_empty()).unwrap_or(&o.name);
            Some(Link {
                url: url.to_owned(),
                title: title.to_owned().into(),
                icon: None,
                link_type: Some(OUTPUT_LINK_TYPE.into()),
            })
        })
        .take(MAX_OUTPUT_LINKS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(name: &str, value: serde_json::Value, sensitive: bool) -> Output {
        Output { name: name.into(), sensitive, output_type: None, value: Some(value), value_bytes: None }
    }

    #[test]
    fn conventional_http_outputs_become_links_and_nothing_else_does() {
        let defaults: Vec<String> = super::super::DEFAULT_OUTPUT_LINKS.iter().map(|p| (*p).to_owned()).collect();
        let outputs = [
            output("url", "https://pay.example.com".into(), false),
            output("console_url", "javascript:alert(1)".into(), false),
            output("backstage_link_grafana", "https://grafana.example.com/d/pay".into(), false),
            output("backstage_link_", "https://x.example.com".into(), false),
            output("db_host", "https://db.example.com".into(), false),
            output("url", "https://secret.example.com".into(), true),
            output("url", 42.into(), false),
        ];
        let got: Vec<(String, String)> =
            links(&outputs, &defaults).into_iter().map(|l| (l.title.into_owned(), l.url)).collect();
        assert_eq!(
            got,
            [
                ("url".to_owned(), "https://pay.example.com".to_owned()),
                ("grafana".to_owned(), "https://grafana.example.com/d/pay".to_owned()),
            ]
        );
        let custom = vec!["db_host".to_owned()];
        assert_eq!(links(&outputs, &custom).len(), 1);
    }

    #[test]
    fn an_organization_names_its_own_convention() {
        let options: crate::catalog::MapOptions =
            serde_json::from_value(serde_json::json!({"outputLinks": ["db_*"]})).unwrap();
        let text = r#"{"data":{"id":"ws-1","type":"workspaces","attributes":{"name":"net"},"relationships":{"organization":{"data":{"id":"acme"}},"outputs":{"data":[{"id":"o1","type":"workspace-outputs"},{"id":"o2","type":"workspace-outputs"}]}}},"included":[{"id":"o1","type":"workspace-outputs","attributes":{"name":"url","sensitive":false,"value":"https://net.example.com"}},{"id":"o2","type":"workspace-outputs","attributes":{"name":"db_admin","sensitive":false,"value":"https://db.example.com"}}]}"#;
        let ws = crate::map_documents(&[crate::SourceDocument { name: "w".into(), text: text.into() }], &options)
            .unwrap()
            .remove(0);
        let got: Vec<&str> = ws
            .metadata
            .links
            .iter()
            .filter(|l| l.link_type.as_deref() == Some(OUTPUT_LINK_TYPE))
            .map(|l| l.url.as_str())
            .collect();
        assert_eq!(got, ["https://db.example.com"]);
    }
}
