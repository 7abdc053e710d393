//! A workspace's Terraform outputs (`type: workspace-outputs`, the listing's `include=outputs`):
//! the current state's outputs, masked.
//!
//! TFE sends a sensitive output's `value` as `null`; we do not rely on it. An output is read as
//! sensitive unless its `sensitive` is exactly `false`, and a sensitive output keeps only its name
//! and type: its value is never read, so it cannot be stored, logged or served. Values are capped
//! (outputs can be whole maps); a value over the cap is kept as "too large", with its size.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::jsonapi::Resource;
use super::lenient::{Bool, Raw, Text, object};

/// The largest value kept, as JSON text: what a page can show. Larger values are named, with
/// their size, and read in TFE.
pub const MAX_VALUE_BYTES: usize = 2048;
/// The most outputs kept per workspace (in TFE's order).
pub const MAX_OUTPUTS: usize = 100;
/// The longest output name kept (Terraform names are identifiers, far shorter).
const MAX_NAME_CHARS: usize = 128;

/// One output of a workspace's current state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Output {
    /// The output's name.
    pub name: String,
    /// Whether Terraform marks it sensitive (or TFE did not say it is not).
    pub sensitive: bool,
    /// `output-type` (`string`, `number`, `bool`, `array`, `object`, ...), when TFE sends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_type: Option<String>,
    /// The value, for a non-sensitive output no larger than [`MAX_VALUE_BYTES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The size of a non-sensitive value too large to keep, in bytes of JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_bytes: Option<u64>,
}

object! {
    /// The attributes of a workspace output the catalog reads.
    struct Attributes<'a> {
        "name" => name: Text<'a>,
        "sensitive" => sensitive: Bool,
        "output-type" => output_type: Text<'a>,
        "value" => value: Raw<'a>,
    }
}

impl Output {
    /// Reads a `workspace-outputs` resource; `None` when it has no usable name.
    pub fn from_resource(r: &Resource) -> Option<Self> {
        let a: Attributes = r.attributes.view();
        let name = a.name.non_empty().filter(|n| n.chars().count() <= MAX_NAME_CHARS)?.to_owned();
        let sensitive = a.sensitive.0 != Some(false);
        let raw = a.value.0.map(|v| v.get()).filter(|_| !sensitive);
        let (value, value_bytes) = match raw {
            Some(text) if text.len() <= MAX_VALUE_BYTES => (serde_json::from_str::<Value>(text).ok(), None),
            Some(text) => (None, Some(text.len() as u64)),
            None => (None, None),
        };
        Some(Output {
            name,
            sensitive,
            output_type: a.output_type.owned(),
            value: value.filter(|v| !v.is_null()),
            value_bytes,
        })
    }

    /// The value as an http(s) URL, when it is a string that is one: what a link may point at.
    pub fn web_url(&self) -> Option<&str> {
        self.value.as_ref()?.as_str().filter(|u| crate::origin::is_web_url(u))
    }
}

/// The outputs a workspace lists (`relationships.outputs`) found among the included resources,
/// in the workspace's order and capped; `None` when any listed output is missing from the
/// document (the listing was read without `include=outputs`): unknown, not "none".
pub fn outputs_of(listed: &[String], included: &std::collections::BTreeMap<String, Output>) -> Option<Vec<Output>> {
    listed.iter().take(MAX_OUTPUTS).map(|id| included.get(id).cloned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfe::parse_document;

    fn read(attributes: &str) -> Option<Output> {
        let doc = parse_document(
            "o",
            &format!(r#"{{"data":{{"id":"wsout-1","type":"workspace-outputs","attributes":{attributes}}}}}"#),
        )
        .unwrap();
        Output::from_resource(&doc.data[0])
    }

    #[test]
    fn a_sensitive_value_is_never_read_even_when_tfe_sends_one() {
        let o = read(r#"{"name":"db_password","sensitive":true,"output-type":"string","value":"hunter2"}"#).unwrap();
        assert_eq!((o.sensitive, o.value.as_ref(), o.value_bytes), (true, None, None));
        assert!(!serde_json::to_string(&o).unwrap().contains("hunter2"));
        // `sensitive` missing or not a boolean: treated as sensitive.
        for attrs in [r#"{"name":"k","value":"hunter2"}"#, r#"{"name":"k","sensitive":"false","value":"hunter2"}"#] {
            let o = read(attrs).unwrap();
            assert!(o.sensitive && o.value.is_none(), "{attrs}");
        }
    }

    #[test]
    fn values_are_kept_up_to_the_cap() {
        let o = read(r#"{"name":"url","sensitive":false,"output-type":"string","value":"https://pay.example.com"}"#)
            .unwrap();
        assert_eq!(o.web_url(), Some("https://pay.example.com"));
        let o = read(r#"{"name":"ids","sensitive":false,"output-type":"array","value":[1,2]}"#).unwrap();
        assert_eq!(o.value, Some(serde_json::json!([1, 2])));
        assert_eq!(o.web_url(), None);
        let big = format!(r#"{{"name":"blob","sensitive":false,"value":"{}"}}"#, "x".repeat(MAX_VALUE_BYTES));
        let o = read(&big).unwrap();
        assert_eq!((o.value.as_ref(), o.value_bytes), (None, Some(MAX_VALUE_BYTES as u64 + 2)));
        assert_eq!(read(r#"{"name":"","sensitive":false}"#), None);
    }

    #[test]
    fn only_web_urls_are_link_targets() {
        for bad in ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.example.com", "pay.example.com"] {
            let o = read(&format!(r#"{{"name":"url","sensitive":false,"value":"{bad}"}}"#)).unwrap();
            assert_eq!(o.web_url(), None, "{bad}");
        }
    }
}
