//! The JSON:API envelope TFE answers with: `data` (one resource or a list), `included`, `links`
//! and `meta.pagination`.
//!
//! A document is read in one pass without building a `Value` tree: each resource keeps its
//! `attributes`, `relationships` and `links` as raw JSON text, which the typed views
//! ([`crate::tfe::Workspace`], [`crate::tfe::Run`], ...) read field by field, borrowing from it.
//! Generic readers ([`Resource::attr_str`], [`Members::get`]) parse a member into a map the first
//! time they ask, so only the small documents that need them pay for it.

use std::cell::OnceCell;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::lenient::{Count, Key, Text, absent_otherwise_but_map, object};
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

/// One member object of a resource (`attributes`, `relationships` or `links`): its raw JSON text,
/// read by the typed views, and a map built on first use by the generic readers.
#[derive(Debug, Clone, Default)]
pub struct Members {
    raw: Option<Box<RawValue>>,
    map: OnceCell<Map<String, Value>>,
}

impl Members {
    /// The member's JSON text, when it is an object.
    pub fn raw(&self) -> Option<&str> {
        self.raw.as_deref().map(RawValue::get)
    }

    /// Reads the member as `T` (a tolerant typed view: see [`super::lenient`]); absent reads as
    /// `T::default()`.
    pub fn view<'a, T: serde::Deserialize<'a> + Default>(&'a self) -> T {
        // The text was validated as a JSON object when the document was read, and the views
        // accept any value, so this cannot fail; the default is only a formal answer.
        self.raw().and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default()
    }

    /// The member as a map (parsed on first use).
    pub fn as_map(&self) -> &Map<String, Value> {
        self.map.get_or_init(|| self.raw().and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default())
    }

    /// One value of the member.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().get(key)
    }

    /// Whether the member is absent or `{}`.
    pub fn is_empty(&self) -> bool {
        self.as_map().is_empty()
    }
}

impl PartialEq for Members {
    fn eq(&self, other: &Self) -> bool {
        self.as_map() == other.as_map()
    }
}

impl From<Map<String, Value>> for Members {
    fn from(map: Map<String, Value>) -> Self {
        // Serializing a map of JSON values cannot fail.
        let raw = serde_json::value::to_raw_value(&map).ok();
        Members { raw, map: OnceCell::from(map) }
    }
}

/// One JSON:API resource object. Attributes and relationships stay as JSON text so that unknown
/// fields cost nothing; typed views ([`crate::tfe::Workspace`], [`crate::tfe::Run`]) read what
/// they need.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The JSON:API `type` (`workspaces`, `runs`, ...).
    pub kind: String,
    /// The resource id (`ws-…`, `run-…`).
    pub id: String,
    /// `attributes`, or empty.
    pub attributes: Members,
    /// `relationships`, or empty.
    pub relationships: Members,
    /// `links`, or empty.
    pub links: Members,
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

    /// A non-negative integer attribute.
    pub fn attr_u64(&self, key: &str) -> Option<u64> {
        self.attributes.get(key).and_then(Value::as_u64)
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
    let root: Root = serde_json::from_str(text)
        .map_err(|e| ParseError::NotJson { document: name.to_owned(), reason: e.to_string() })?;
    let not_jsonapi = |reason: &str| ParseError::NotJsonApi { document: name.to_owned(), reason: reason.to_owned() };
    let Root::Object(root) = root else {
        return Err(not_jsonapi("the top level is not an object"));
    };
    let Some(data) = root.data else {
        if let Some(details) =
            root.other.as_ref().and_then(|other| super::ModuleDetails::from_json(&Value::Object(other.clone())))
        {
            return Ok(Document {
                data: Vec::new(),
                included: Vec::new(),
                pagination: Pagination::default(),
                module_details: Some(details),
            });
        }
        return Err(match root.errors {
            Some(errors) => ParseError::ErrorDocument { document: name.to_owned(), detail: describe_errors(&errors) },
            None => not_jsonapi("no `data` member"),
        });
    };
    let resources = |items: Items| match items {
        Items::List(list) => list.into_iter().map(|r| r.into_resource(name)).collect::<Result<Vec<_>, _>>(),
        Items::Other => Ok(Vec::new()),
    };
    let data = match data {
        Data::Many(items) => resources(items)?,
        Data::One(item) => vec![item.into_resource(name)?],
        Data::Other => return Err(not_jsonapi("`data` is neither an object nor an array")),
    };
    let included = resources(root.included)?;
    let pagination = Pagination {
        current_page: root.meta.pagination.current_page.0,
        next_page: root.meta.pagination.next_page.0,
        total_count: root.meta.pagination.total_count.0,
        next_link: root.links.next.get().map(str::to_owned),
    };
    Ok(Document { data, included, pagination, module_details: None })
}

/// The top level of a document.
enum Root<'a> {
    Object(Box<Envelope<'a>>),
    Other,
}

/// The top-level members a document is read for.
#[derive(Default)]
struct Envelope<'a> {
    data: Option<Data>,
    included: Items,
    links: TopLinks<'a>,
    meta: Meta<'a>,
    errors: Option<Value>,
    /// The other members, kept only when there is no `data` (a module details document).
    other: Option<Map<String, Value>>,
}

/// Keys of the registry protocol's module details document.
const MODULE_DETAILS_KEYS: [&str; 5] = ["root", "namespace", "name", "provider", "version"];

impl<'de> serde::Deserialize<'de> for Root<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Root<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut env = Envelope::default();
                while let Some(Key(k)) = map.next_key()? {
                    match k.as_ref() {
                        "data" => env.data = Some(map.next_value()?),
                        "included" => env.included = map.next_value()?,
                        "links" => env.links = map.next_value()?,
                        "meta" => env.meta = map.next_value()?,
                        "errors" => env.errors = Some(map.next_value()?),
                        key if MODULE_DETAILS_KEYS.contains(&key) => {
                            let value: Value = map.next_value()?;
                            env.other.get_or_insert_with(Map::new).insert(key.to_owned(), value);
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                if env.data.is_some() {
                    env.other = None;
                }
                Ok(Root::Object(Box::new(env)))
            }
            absent_otherwise_but_map!(Root::Other);
        }
        d.deserialize_any(V)
    }
}

/// `data`: one resource object, a list of them, or anything else (refused).
enum Data {
    One(RawResource),
    Many(Items),
    Other,
}

impl<'de> serde::Deserialize<'de> for Data {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Data;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                Ok(Data::One(RawResource::from_map(map)?))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Ok(Data::Many(Items::from_seq(seq)?))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Data::Other)
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Data::Other)
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Data::Other)
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Data::Other)
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Data::Other)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Data::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// A list of resource objects (`data` or `included`); anything but an array reads as `Other`.
#[derive(Default)]
enum Items {
    List(Vec<RawResource>),
    #[default]
    Other,
}

impl Items {
    fn from_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
        let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(128));
        while let Some(item) = seq.next_element()? {
            list.push(item);
        }
        Ok(Items::List(list))
    }
}

impl<'de> serde::Deserialize<'de> for Items {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Items;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Items::from_seq(seq)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Items::Other)
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Items::Other)
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Items::Other)
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Items::Other)
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Items::Other)
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Items::Other)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(Items::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// A resource object as read: its `type` and `id`, and its members as raw text. `NotObject` when
/// the element is not an object at all.
enum RawResource {
    Object { kind: Option<String>, id: Option<String>, members: [Option<Box<RawValue>>; 3] },
    NotObject,
}

impl RawResource {
    fn from_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
        let (mut kind, mut id, mut members) = (None, None, [None, None, None]);
        while let Some(Key(k)) = map.next_key()? {
            let slot = match k.as_ref() {
                "type" => {
                    kind = map.next_value::<Text>()?.0.map(|s| s.into_owned());
                    continue;
                }
                "id" => {
                    id = map.next_value::<Text>()?.0.map(|s| s.into_owned());
                    continue;
                }
                "attributes" => 0,
                "relationships" => 1,
                "links" => 2,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            let raw: Box<RawValue> = map.next_value()?;
            // Only objects count; anything else reads as an empty member.
            members[slot] = raw.get().starts_with('{').then_some(raw);
        }
        Ok(RawResource::Object { kind, id, members })
    }

    fn into_resource(self, document: &str) -> Result<Resource, ParseError> {
        let RawResource::Object { kind, id, members: [attributes, relationships, links] } = self else {
            return Err(ParseError::NotJsonApi {
                document: document.to_owned(),
                reason: "a resource object is not an object".to_owned(),
            });
        };
        let (kind, id) = (kind.unwrap_or_default(), id.unwrap_or_default());
        if kind.is_empty() || id.is_empty() {
            return Err(ParseError::NotJsonApi {
                document: document.to_owned(),
                reason: format!("a resource object lacks `type` or `id` (type {kind:?}, id {id:?})"),
            });
        }
        let members = |raw| Members { raw, map: OnceCell::new() };
        Ok(Resource {
            kind,
            id,
            attributes: members(attributes),
            relationships: members(relationships),
            links: members(links),
        })
    }
}

impl<'de> serde::Deserialize<'de> for RawResource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawResource;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                RawResource::from_map(map)
            }
            absent_otherwise_but_map!(RawResource::NotObject);
        }
        d.deserialize_any(V)
    }
}

object! {
    /// Top-level `links`.
    struct TopLinks<'a> {
        "next" => next: Text<'a>,
    }
}

object! {
    /// Top-level `meta`.
    struct Meta<'a> {
        "pagination" => pagination: PaginationMeta<'a>,
    }
}

object! {
    /// `meta.pagination`: numbers as numbers or as numeric strings (TFE has both in recorded
    /// traffic).
    struct PaginationMeta<'a> {
        "current-page" => current_page: Count<true>,
        "next-page" => next_page: Count<true>,
        "total-count" => total_count: Count<true>,
    }
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
