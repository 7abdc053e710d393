//! The JSON:API envelope TFE answers with: `data` (one resource or a list), `included`, `links`
//! and `meta.pagination`.

use serde_json::{Map, Value};

use crate::error::ParseError;

/// One parsed JSON:API document.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Primary data: one element for a "show" document, any number for a list.
    pub data: Vec<Resource>,
    /// Resources from `include=`.
    pub included: Vec<Resource>,
    /// Where the next page is, if anywhere.
    pub pagination: Pagination,
    /// Set instead of `data` when the document is the registry protocol's module details (not
    /// JSON:API), the one place TFE exposes a module's inputs.
    pub module_details: Option<super::ModuleDetails>,
}

/// Paging facts of a list document. TFE's keys vary between endpoints (the organization runs list
/// has no totals), so every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pagination {
    /// `meta.pagination.current-page`.
    pub current_page: Option<u64>,
    /// `meta.pagination.next-page`.
    pub next_page: Option<u64>,
    /// `meta.pagination.total-count`.
    pub total_count: Option<u64>,
    /// `links.next`, verbatim.
    pub next_link: Option<String>,
}

/// One JSON:API resource object. Attributes and relationships stay as JSON so that unknown fields
/// cost nothing; typed views ([`crate::tfe::Workspace`], [`crate::tfe::Run`]) read what they need.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The JSON:API `type` (`workspaces`, `runs`, ...).
    pub kind: String,
    /// The resource id (`ws-…`, `run-…`).
    pub id: String,
    /// `attributes`, or empty.
    pub attributes: Map<String, Value>,
    /// `relationships`, or empty.
    pub relationships: Map<String, Value>,
    /// `links`, or empty.
    pub links: Map<String, Value>,
}

impl Resource {
    /// A string attribute; `None` when absent, `null` or not a string.
    pub fn attr_str(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).and_then(Value::as_str)
    }

    /// A non-empty string attribute, trimmed of nothing: empty strings count as absent.
    pub fn attr_text(&self, key: &str) -> Option<&str> {
        self.attr_str(key).filter(|s| !s.is_empty())
    }

    /// A boolean attribute; also accepts the strings `"true"`/`"false"` that some TFE fields carry.
    pub fn attr_bool(&self, key: &str) -> Option<bool> {
        match self.attributes.get(key)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// An object attribute.
    pub fn attr_object(&self, key: &str) -> Option<&Map<String, Value>> {
        self.attributes.get(key).and_then(Value::as_object)
    }

    /// The id a to-one relationship points at. Tolerates `{}`, `{"data": null}` and a missing key.
    pub fn relationship_id(&self, key: &str) -> Option<&str> {
        self.relationships.get(key)?.get("data")?.get("id")?.as_str().filter(|s| !s.is_empty())
    }

    /// A string link (`links.self-html`, ...).
    pub fn link(&self, key: &str) -> Option<&str> {
        self.links.get(key).and_then(Value::as_str)
    }
}

/// Parses one TFE document. `name` only labels errors.
pub fn parse_document(name: &str, text: &str) -> Result<Document, ParseError> {
    let root: Value = serde_json::from_str(text)
        .map_err(|e| ParseError::NotJson { document: name.to_owned(), reason: e.to_string() })?;
    let not_jsonapi = |reason: &str| ParseError::NotJsonApi { document: name.to_owned(), reason: reason.to_owned() };
    let Value::Object(root) = root else {
        return Err(not_jsonapi("the top level is not an object"));
    };
    if root.get("data").is_none() {
        let value = Value::Object(root.clone());
        if let Some(details) = super::ModuleDetails::from_json(&value) {
            return Ok(Document {
                data: Vec::new(),
                included: Vec::new(),
                pagination: Pagination::default(),
                module_details: Some(details),
            });
        }
    }
    if let (None, Some(errors)) = (root.get("data"), root.get("errors")) {
        return Err(ParseError::ErrorDocument { document: name.to_owned(), detail: describe_errors(errors) });
    }
    let data = match root.get("data") {
        Some(Value::Array(items)) => {
            items.iter().map(|item| parse_resource(name, item)).collect::<Result<Vec<_>, _>>()?
        }
        Some(item @ Value::Object(_)) => vec![parse_resource(name, item)?],
        Some(_) => return Err(not_jsonapi("`data` is neither an object nor an array")),
        None => return Err(not_jsonapi("no `data` member")),
    };
    let included = match root.get("included") {
        Some(Value::Array(items)) => {
            items.iter().map(|item| parse_resource(name, item)).collect::<Result<Vec<_>, _>>()?
        }
        _ => Vec::new(),
    };
    Ok(Document { data, included, pagination: parse_pagination(&root), module_details: None })
}

/// `title: detail` of each JSON:API error, joined; tolerates numeric `status` and missing fields.
pub fn describe_errors(errors: &Value) -> String {
    let Some(list) = errors.as_array() else {
        return "malformed `errors` member".to_owned();
    };
    let parts: Vec<String> = list
        .iter()
        .map(|e| {
            let title = e.get("title").and_then(Value::as_str).unwrap_or("");
            let detail = e.get("detail").and_then(Value::as_str).unwrap_or("");
            match (title.is_empty(), detail.is_empty()) {
                (false, false) => format!("{title}: {detail}"),
                (false, true) => title.to_owned(),
                (true, false) => detail.to_owned(),
                (true, true) => "unnamed error".to_owned(),
            }
        })
        .collect();
    if parts.is_empty() { "empty `errors` list".to_owned() } else { parts.join("; ") }
}

fn parse_resource(document: &str, value: &Value) -> Result<Resource, ParseError> {
    let Some(obj) = value.as_object() else {
        return Err(ParseError::NotJsonApi {
            document: document.to_owned(),
            reason: "a resource object is not an object".to_owned(),
        });
    };
    let kind = obj.get("type").and_then(Value::as_str).unwrap_or("").to_owned();
    let id = obj.get("id").and_then(Value::as_str).unwrap_or("").to_owned();
    if kind.is_empty() || id.is_empty() {
        return Err(ParseError::NotJsonApi {
            document: document.to_owned(),
            reason: format!("a resource object lacks `type` or `id` (type {kind:?}, id {id:?})"),
        });
    }
    let object_member = |key: &str| obj.get(key).and_then(Value::as_object).cloned().unwrap_or_default();
    Ok(Resource {
        attributes: object_member("attributes"),
        relationships: object_member("relationships"),
        links: object_member("links"),
        kind,
        id,
    })
}

fn parse_pagination(root: &Map<String, Value>) -> Pagination {
    let meta = root.get("meta").and_then(|m| m.get("pagination")).and_then(Value::as_object);
    let number = |key: &str| meta.and_then(|m| m.get(key)).and_then(as_u64_lenient);
    Pagination {
        current_page: number("current-page"),
        next_page: number("next-page"),
        total_count: number("total-count"),
        next_link: root.get("links").and_then(|l| l.get("next")).and_then(Value::as_str).map(str::to_owned),
    }
}

/// Numbers as numbers or as numeric strings (TFE has both in recorded traffic).
fn as_u64_lenient(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| value.as_str().and_then(|s| s.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_documents_are_named() {
        let err = parse_document(
            "x.json",
            r#"{"errors":[{"status":429,"title":"Too many requests","detail":"You have exceeded the API's rate limit."}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.json: TFE answered with an error document: Too many requests: You have exceeded the API's rate limit."
        );
    }

    #[test]
    fn relationships_tolerate_empty_and_null() {
        let doc = parse_document(
            "d",
            r#"{"data":{"type":"workspaces","id":"ws-1","relationships":{"a":{},"b":{"data":null},"c":{"data":{"id":"x","type":"t"}}}}}"#,
        )
        .unwrap();
        let r = &doc.data[0];
        assert_eq!(r.relationship_id("a"), None);
        assert_eq!(r.relationship_id("b"), None);
        assert_eq!(r.relationship_id("c"), Some("x"));
        assert_eq!(r.relationship_id("missing"), None);
    }

    #[test]
    fn pagination_accepts_numeric_strings_and_nulls() {
        let doc = parse_document(
            "d",
            r#"{"data":[],"links":{"next":null},"meta":{"pagination":{"current-page":"2","next-page":null,"total-count":7}}}"#,
        )
        .unwrap();
        assert_eq!(
            doc.pagination,
            Pagination { current_page: Some(2), next_page: None, total_count: Some(7), next_link: None }
        );
    }

    #[test]
    fn non_jsonapi_is_a_typed_error() {
        assert!(matches!(parse_document("d", "[1,2]"), Err(ParseError::NotJsonApi { .. })));
        assert!(matches!(parse_document("d", "{}"), Err(ParseError::NotJsonApi { .. })));
        assert!(matches!(parse_document("d", "not json"), Err(ParseError::NotJson { .. })));
        assert!(matches!(
            parse_document("d", r#"{"data":[{"type":"workspaces"}]}"#),
            Err(ParseError::NotJsonApi { .. })
        ));
    }
}
