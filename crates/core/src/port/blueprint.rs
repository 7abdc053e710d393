//! The Port blueprints this product declares, and the check that an entity matches them.
//!
//! One table per blueprint ([`blueprints`]) is both what a push creates in Port and what
//! [`validate`] holds every emitted entity to, so the two cannot drift apart: the corpus checks
//! every Port entity the core emits against it, and the fake Port rejects (422) what does not match.

use serde_json::{Map, Value, json};

use super::entity::{MANAGED_BY, MANAGED_BY_VALUE, ORGANIZATION, PortEntity};
use crate::status::StatusBucket;

/// Identifier of the blueprint of TFE projects (the catalog's Systems).
pub const PROJECT: &str = "terraform_project";
/// Identifier of the blueprint of registry modules.
pub const TEMPLATE: &str = "blueprint_template";
/// Identifier of the blueprint of workspaces.
pub const INSTANCE: &str = "blueprint_instance";

/// A property's JSON type and, for strings, its format or allowed values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any string.
    Text,
    /// An RFC 3339 timestamp (Port's `date-time` format).
    DateTime,
    /// A URL (Port's `url` format).
    Url,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// An array of strings.
    Strings,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Number,
    /// A JSON object.
    Object,
}

/// One declared property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Property {
    /// Its key.
    pub key: &'static str,
    /// Its title in Port.
    pub title: &'static str,
    /// Its type.
    pub kind: Kind,
}

/// One declared blueprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blueprint {
    /// `terraform_project`, `blueprint_template` or `blueprint_instance`.
    pub identifier: &'static str,
    /// Its title.
    pub title: &'static str,
    /// Its icon.
    pub icon: &'static str,
    /// Its properties; none is required, so Port users' own entities in it stay valid.
    pub properties: &'static [Property],
    /// Relations: key, target blueprint (each to one entity, optional).
    pub relations: &'static [(&'static str, &'static str)],
}

/// Every status bucket, as the `status_bucket` enum.
pub const STATUS_BUCKETS: [&str; 6] = [
    StatusBucket::Success.as_str(),
    StatusBucket::Failure.as_str(),
    StatusBucket::Canceled.as_str(),
    StatusBucket::NeedsAttention.as_str(),
    StatusBucket::InProgress.as_str(),
    StatusBucket::Unknown.as_str(),
];

const MARKERS: [Property; 2] = [
    Property { key: MANAGED_BY, title: "Managed by", kind: Kind::OneOf(&[MANAGED_BY_VALUE]) },
    Property { key: ORGANIZATION, title: "TFE organization", kind: Kind::Text },
];

const PROJECT_PROPERTIES: [Property; 5] = [
    Property { key: "project_id", title: "Project id", kind: Kind::Text },
    Property { key: "owner", title: "Owner", kind: Kind::Text },
    Property { key: "tfe_link", title: "TFE", kind: Kind::Url },
    MARKERS[0],
    MARKERS[1],
];

const TEMPLATE_PROPERTIES: [Property; 9] = [
    Property { key: "module_path", title: "Module", kind: Kind::Text },
    Property { key: "version", title: "Version", kind: Kind::Text },
    Property { key: "repo_url", title: "Repository", kind: Kind::Url },
    Property { key: "inputs_required", title: "Required inputs", kind: Kind::Strings },
    Property { key: "owner", title: "Owner", kind: Kind::Text },
    Property { key: "status", title: "Registry status", kind: Kind::Text },
    Property { key: "instances_behind", title: "Instances behind", kind: Kind::Number },
    MARKERS[0],
    MARKERS[1],
];

const INSTANCE_PROPERTIES: [Property; 23] = [
    Property { key: "workspace_id", title: "Workspace id", kind: Kind::Text },
    Property { key: "terraform_status", title: "Run status", kind: Kind::Text },
    Property { key: "status_bucket", title: "Status", kind: Kind::OneOf(&STATUS_BUCKETS) },
    Property { key: "run_id", title: "Run id", kind: Kind::Text },
    Property { key: "run_updated_at", title: "Run status since", kind: Kind::DateTime },
    Property { key: "blueprint", title: "Blueprint", kind: Kind::Text },
    Property { key: "blueprint_version", title: "Blueprint version", kind: Kind::Text },
    Property { key: "repo_url", title: "Repository", kind: Kind::Url },
    Property { key: "tfe_link", title: "TFE", kind: Kind::Url },
    Property { key: "blueprint_latest_version", title: "Blueprint latest version", kind: Kind::Text },
    Property { key: "blueprint_outdated", title: "Blueprint outdated", kind: Kind::Boolean },
    MARKERS[0],
    MARKERS[1],
    Property { key: "resource_count", title: "Resources", kind: Kind::Number },
    Property { key: "locked", title: "Locked", kind: Kind::Boolean },
    Property { key: "locked_by", title: "Locked by", kind: Kind::Text },
    Property { key: "latest_change_at", title: "Last changed", kind: Kind::DateTime },
    Property { key: "run_triggered_by", title: "Run triggered by", kind: Kind::Text },
    Property { key: "run_commit_sha", title: "Run commit", kind: Kind::Text },
    Property { key: "run_branch", title: "Run branch", kind: Kind::Text },
    Property { key: "run_pull_request", title: "Run pull request", kind: Kind::Number },
    Property { key: "outputs", title: "Outputs", kind: Kind::Object },
    Property { key: "sensitive_outputs", title: "Sensitive outputs", kind: Kind::Strings },
];

/// The blueprints, in the order they must be created (a relation's target first).
pub fn blueprints() -> [Blueprint; 3] {
    [
        Blueprint {
            identifier: PROJECT,
            title: "Terraform project",
            icon: "Terraform",
            properties: &PROJECT_PROPERTIES,
            relations: &[],
        },
        Blueprint {
            identifier: TEMPLATE,
            title: "Blueprint template",
            icon: "Terraform",
            properties: &TEMPLATE_PROPERTIES,
            relations: &[],
        },
        Blueprint {
            identifier: INSTANCE,
            title: "Blueprint instance",
            icon: "Terraform",
            properties: &INSTANCE_PROPERTIES,
            relations: &[("blueprint", TEMPLATE), ("project", PROJECT)],
        },
    ]
}

/// The declared blueprint `identifier`.
pub fn find(identifier: &str) -> Option<Blueprint> {
    blueprints().into_iter().find(|b| b.identifier == identifier)
}

impl Kind {
    fn schema(self) -> Value {
        match self {
            Kind::Text => json!({"type": "string"}),
            Kind::DateTime => json!({"type": "string", "format": "date-time"}),
            Kind::Url => json!({"type": "string", "format": "url"}),
            Kind::OneOf(values) => json!({"type": "string", "enum": values}),
            Kind::Strings => json!({"type": "array", "items": {"type": "string"}}),
            Kind::Boolean => json!({"type": "boolean"}),
            Kind::Number => json!({"type": "number"}),
            Kind::Object => json!({"type": "object"}),
        }
    }

    /// Why `value` does not fit, if it does not. `null` fits every kind: no property is required.
    fn check(self, value: &Value) -> Option<String> {
        let text = match value {
            Value::Null => return None,
            Value::Number(_) if self == Kind::Number => return None,
            Value::Bool(_) if self == Kind::Boolean => return None,
            Value::Object(_) if self == Kind::Object => return None,
            Value::String(s) => Some(s.as_str()),
            _ => None,
        };
        match (self, text) {
            (Kind::Strings, _) => match value.as_array() {
                Some(items) if items.iter().all(Value::is_string) => None,
                _ => Some("is not an array of strings".to_owned()),
            },
            (Kind::Number, _) => Some("is not a number".to_owned()),
            (Kind::Boolean, _) => Some("is not a boolean".to_owned()),
            (Kind::Object, _) => Some("is not an object".to_owned()),
            (_, None) => Some("is not a string".to_owned()),
            (Kind::Text, Some(_)) => None,
            (Kind::DateTime, Some(s)) => crate::run::millis(s).is_none().then(|| format!("{s:?} is not a date-time")),
            (Kind::Url, Some(s)) => {
                (!(s.starts_with("https://") || s.starts_with("http://"))).then(|| format!("{s:?} is not a URL"))
            }
            (Kind::OneOf(values), Some(s)) => (!values.contains(&s)).then(|| format!("{s:?} is not one of {values:?}")),
        }
    }
}

impl Blueprint {
    /// The body of `POST /v1/blueprints` (and of `PUT /v1/blueprints/{id}`).
    pub fn to_json(&self) -> Value {
        let properties: Map<String, Value> = self
            .properties
            .iter()
            .map(|p| {
                let mut schema = p.kind.schema();
                schema["title"] = json!(p.title);
                (p.key.to_owned(), schema)
            })
            .collect();
        let relations: Map<String, Value> = self
            .relations
            .iter()
            .map(|(key, target)| {
                ((*key).to_owned(), json!({"title": key, "target": target, "many": false, "required": false}))
            })
            .collect();
        json!({
            "identifier": self.identifier, "title": self.title, "icon": self.icon,
            "schema": {"properties": properties, "required": []}, "relations": relations,
        })
    }

    /// Whether `existing` (a blueprint read from Port) declares everything this one does, the
    /// same way. Extra properties and relations a Port user added are fine.
    pub fn is_satisfied_by(&self, existing: &Value) -> bool {
        let ours = self.to_json();
        let properties_match = self.properties.iter().all(|p| {
            let (mine, theirs) = (&ours["schema"]["properties"][p.key], &existing["schema"]["properties"][p.key]);
            ["type", "format", "enum", "items"].iter().all(|f| mine[f] == theirs[f])
        });
        let relations_match = self.relations.iter().all(|(key, _)| {
            let (mine, theirs) = (&ours["relations"][key], &existing["relations"][key]);
            ["target", "many"].iter().all(|f| mine[f] == theirs[f])
        });
        properties_match && relations_match
    }

    /// This blueprint merged into `existing`: ours wins on our keys; a user's extra properties and
    /// relations stay.
    pub fn merged_into(&self, existing: &Value) -> Value {
        let mut body = self.to_json();
        let keep_theirs = |mine: &mut Value, theirs: &Value| {
            for (key, value) in theirs.as_object().into_iter().flatten() {
                if mine.get(key).is_none() {
                    mine[key] = value.clone();
                }
            }
        };
        keep_theirs(&mut body["schema"]["properties"], &existing["schema"]["properties"]);
        keep_theirs(&mut body["relations"], &existing["relations"]);
        body
    }
}

/// Whether `entity` matches the blueprint it names: every property declared and of its kind,
/// every relation declared and pointing at one identifier (or `null`).
pub fn validate(entity: &PortEntity) -> Result<(), String> {
    let id = &entity.identifier;
    let blueprint = find(&entity.blueprint).ok_or_else(|| format!("{id}: no blueprint {:?}", entity.blueprint))?;
    for (key, value) in &entity.properties {
        let property = blueprint
            .properties
            .iter()
            .find(|p| p.key == key)
            .ok_or_else(|| format!("{id}: property {key} is not declared by {}", blueprint.identifier))?;
        if let Some(why) = property.kind.check(value) {
            return Err(format!("{id}: property {key}: {why}"));
        }
    }
    for (key, value) in &entity.relations {
        if !blueprint.relations.iter().any(|(k, _)| k == key) {
            return Err(format!("{id}: relation {key} is not declared by {}", blueprint.identifier));
        }
        if !(value.is_null() || value.is_string()) {
            return Err(format!("{id}: relation {key} is not one identifier"));
        }
    }
    if !is_identifier(id) {
        return Err(format!("{id:?} is not a Port entity identifier"));
    }
    Ok(())
}

/// Port's entity identifier rule: at most 1000 characters of letters, digits and `@_.+:\/=-`, not
/// `.` or `..`.
pub fn is_identifier(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 1000
        && id != "."
        && id != ".."
        && id.chars().all(|c| c.is_alphanumeric() || "@_.+:\\/=-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(properties: Value) -> PortEntity {
        PortEntity {
            blueprint: INSTANCE.to_owned(),
            identifier: "acme.dns".to_owned(),
            title: "dns".to_owned(),
            properties: properties.as_object().cloned().unwrap(),
            relations: Map::new(),
        }
    }

    #[test]
    fn status_bucket_is_an_enum_of_every_bucket() {
        let body = find(INSTANCE).unwrap().to_json();
        assert_eq!(body["schema"]["properties"]["status_bucket"]["enum"].as_array().unwrap().len(), 6);
        assert_eq!(body["relations"]["blueprint"]["target"], TEMPLATE);
        assert_eq!(body["schema"]["properties"]["run_updated_at"]["format"], "date-time");
    }

    #[test]
    fn validate_names_what_does_not_match() {
        assert_eq!(validate(&instance(json!({"status_bucket": "success", "tfe_link": null}))), Ok(()));
        assert!(validate(&instance(json!({"status_bucket": "great"}))).unwrap_err().contains("status_bucket"));
        assert!(validate(&instance(json!({"run_updated_at": "yesterday"}))).unwrap_err().contains("date-time"));
        assert!(validate(&instance(json!({"surprise": "x"}))).unwrap_err().contains("not declared"));
        assert!(validate(&instance(json!({"repo_url": "github.com/x"}))).unwrap_err().contains("URL"));
        assert_eq!(
            validate(&instance(json!({"blueprint_outdated": true, "blueprint_latest_version": "1.2.0"}))),
            Ok(())
        );
        assert!(validate(&instance(json!({"blueprint_outdated": "true"}))).unwrap_err().contains("boolean"));
        assert_eq!(
            validate(&instance(json!({"resource_count": 12, "locked": false, "run_pull_request": null}))),
            Ok(())
        );
        assert!(validate(&instance(json!({"resource_count": "12"}))).unwrap_err().contains("number"));
        assert!(validate(&instance(json!({"locked": "true"}))).unwrap_err().contains("boolean"));
    }

    #[test]
    fn a_users_extra_property_satisfies_and_survives_a_merge() {
        let ours = find(INSTANCE).unwrap();
        let mut existing = ours.to_json();
        existing["schema"]["properties"]["cost_center"] = json!({"type": "string"});
        assert!(ours.is_satisfied_by(&existing));
        assert_eq!(ours.merged_into(&existing)["schema"]["properties"]["cost_center"]["type"], "string");
        existing["schema"]["properties"]["status_bucket"]["enum"] = json!(["success"]);
        assert!(!ours.is_satisfied_by(&existing));
    }
}
