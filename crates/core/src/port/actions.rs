//! Self-service actions on `blueprint_instance` that call an orchestrator: "Re-run plan" and
//! "Apply now". Opt-in, and this product never triggers a run itself: the definitions hand Port
//! the orchestrator's URLs, and the orchestrator decides.

use serde_json::{Value, json};

use super::blueprint::INSTANCE;

/// The orchestrator endpoint of each action, relative to its base URL. `{run_id}` and
/// `{workspace_id}` become the instance's properties (Port's `{{ .entity.properties.… }}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionUrls {
    /// "Re-run plan"; by default `/workspaces/{workspace_id}/runs`.
    pub rerun_plan: String,
    /// "Apply now"; by default `/runs/{run_id}/apply`.
    pub apply: String,
}

impl Default for ActionUrls {
    fn default() -> Self {
        ActionUrls {
            rerun_plan: "/workspaces/{workspace_id}/runs".to_owned(),
            apply: "/runs/{run_id}/apply".to_owned(),
        }
    }
}

/// A template with `{run_id}` / `{workspace_id}` as Port's template expressions, under `base`.
fn port_url(base: &str, template: &str) -> String {
    let path = template
        .replace("{run_id}", "{{ .entity.properties.run_id }}")
        .replace("{workspace_id}", "{{ .entity.properties.workspace_id }}");
    format!("{}/{}", base.trim_end_matches('/'), path.trim_start_matches('/'))
}

/// The action definitions, each the body of `POST /v1/actions`.
pub fn actions(orchestrator: &str, urls: &ActionUrls) -> Vec<Value> {
    let action = |identifier: &str, title: &str, description: &str, template: &str, message: bool| {
        let inputs = if message {
            json!({"properties": {"message": {"type": "string", "title": "Message"}}, "required": []})
        } else {
            json!({"properties": {}, "required": []})
        };
        json!({
            "identifier": identifier,
            "title": title,
            "icon": "Terraform",
            "description": description,
            "trigger": {"type": "self-service", "operation": "DAY-2", "blueprintIdentifier": INSTANCE, "userInputs": inputs},
            "invocationMethod": {
                "type": "WEBHOOK",
                "url": port_url(orchestrator, template),
                "method": "POST",
                "synchronized": true,
                "body": {
                    "workspace_id": "{{ .entity.properties.workspace_id }}",
                    "run_id": "{{ .entity.properties.run_id }}",
                    "organization": "{{ .entity.properties.tfe_organization }}",
                    "message": if message { json!("{{ .inputs.message }}") } else { Value::Null },
                    "requested_by": "{{ .trigger.by.user.email }}",
                },
            },
        })
    };
    vec![
        action(
            "tfe_rerun_plan",
            "Re-run plan",
            "Ask the orchestrator to queue a new plan of this workspace",
            &urls.rerun_plan,
            true,
        ),
        action(
            "tfe_apply_now",
            "Apply now",
            "Ask the orchestrator to apply this workspace's current run",
            &urls.apply,
            false,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_templated_on_the_instance() {
        let defs = actions("https://orchestrator.example.com/", &ActionUrls::default());
        assert_eq!(
            defs[1]["invocationMethod"]["url"],
            "https://orchestrator.example.com/runs/{{ .entity.properties.run_id }}/apply"
        );
        assert_eq!(defs[0]["trigger"]["blueprintIdentifier"], INSTANCE);
        let custom = ActionUrls { apply: "/api/apply?run={run_id}".to_owned(), ..ActionUrls::default() };
        assert_eq!(
            actions("http://o", &custom)[1]["invocationMethod"]["url"],
            "http://o/api/apply?run={{ .entity.properties.run_id }}"
        );
    }
}
