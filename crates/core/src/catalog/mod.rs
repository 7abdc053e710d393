//! Mapping TFE objects to Backstage entities.
//!
//! [`map_documents`] takes an organization's TFE documents (any mix of workspace list and show
//! documents, with or without `included` runs) and returns the entities, sorted by kind and name so
//! that the output does not depend on the order TFE paged them in.

pub mod annotations;
pub mod blueprint;
pub mod entity;
pub mod naming;
pub mod output_links;
pub mod owner;
pub mod project;
pub mod registry_module;
pub mod upgrade;
pub mod workspace;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use entity::{Entity, Link, Metadata, Spec};

use crate::error::MapError;
use crate::json_text::JsonText;
use crate::tfe::{Document, ModuleDetails, Project, RegistryModule, Run, Workspace, parse_document};

/// The TFE host used when none is configured.
pub const DEFAULT_BASE_URL: &str = "https://app.terraform.io";
/// The owner of entities when no owner is configured: an explicit "nobody" that shows up in
/// Backstage as a dangling group rather than a made-up team.
pub const DEFAULT_OWNER: &str = "group:default/unknown";

/// The key of owner tags (`owner:team-a`) when none is configured.
pub const DEFAULT_OWNER_TAG_KEY: &str = "owner";
/// The key of blueprint tags (`blueprint:vpc`) when none is configured.
pub const DEFAULT_BLUEPRINT_TAG_KEY: &str = "blueprint";

/// The outputs that become entity links unless an organization names others: a service's URL,
/// its console, and any output named `backstage_link_<title>`.
pub const DEFAULT_OUTPUT_LINKS: [&str; 3] = ["url", "console_url", "backstage_link_*"];

/// The largest TFE response body a driver hands to the core. A page of 100 workspaces with their
/// runs is about 0.6 MB; anything far larger is not a TFE page, and refusing it before it is
/// buffered bounds the memory a misbehaving server can take.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Every key, default and limit the shim and the frontend need, by name: the one source they read
/// them from (through the bindings' `constants()`), so that none is retyped in JavaScript.
pub fn constants() -> serde_json::Value {
    let annotations: serde_json::Map<String, serde_json::Value> =
        annotations::all().iter().map(|(name, key)| ((*name).to_owned(), (*key).into())).collect();
    serde_json::json!({
        "annotations": annotations,
        "defaults": {
            "baseUrl": DEFAULT_BASE_URL,
            "owner": DEFAULT_OWNER,
            "ownerTagKey": DEFAULT_OWNER_TAG_KEY,
            "blueprintTagKey": DEFAULT_BLUEPRINT_TAG_KEY,
            "outputLinks": DEFAULT_OUTPUT_LINKS,
        },
        "limits": {
            "maxResponseBytes": MAX_RESPONSE_BYTES,
            "maxNotificationBytes": crate::notification::MAX_BODY_BYTES,
            "maxOutputValueBytes": crate::tfe::output::MAX_VALUE_BYTES,
            "maxOutputs": crate::tfe::output::MAX_OUTPUTS,
        },
    })
}

/// What a mapping needs beyond the documents. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MapOptions {
    /// The organization; else taken from the workspaces' `relationships.organization`.
    pub organization: Option<String>,
    /// The namespace; else derived from the organization name.
    pub namespace: Option<String>,
    /// The owner of every entity (`team-a`, `group:default/team-a`, `user:jdoe`).
    pub default_owner: Option<String>,
    /// The TFE host for UI links; `https://app.terraform.io` by default.
    pub base_url: Option<String>,
    /// The key of owner tags (`owner:team-a`); `owner` by default. See [`owner`].
    pub owner_tag_key: Option<String>,
    /// Owner per project, keyed by project id or name. See [`owner`].
    pub project_owners: BTreeMap<String, String>,
    /// The key of blueprint tags (`blueprint:vpc`); `blueprint` by default. See [`blueprint`].
    pub blueprint_tag_key: Option<String>,
    /// The names entities were given before, by TFE id (`ws-…`, `prj-…`, `mod-…`): an entity keeps
    /// its name while its TFE name still gives it, whatever appears beside it later.
    pub previous_names: BTreeMap<String, String>,
    /// Which outputs become entity links (of the workspace and of the services that depend on
    /// it): output names, a trailing `*` matching any suffix. Default: [`DEFAULT_OUTPUT_LINKS`].
    pub output_links: Option<Vec<String>>,
}

/// One input document and the name its errors are labelled with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDocument {
    /// File name, URL or any label.
    pub name: String,
    /// The raw JSON text.
    pub text: String,
}

/// A mapping request as the bindings receive it: the documents, the options, the output format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MapRequest {
    /// The documents, in any order.
    pub documents: Vec<SourceDocument>,
    /// The options.
    pub options: MapOptions,
    /// Backstage entities (default) or Port entities.
    pub format: OutputFormat,
}

/// What a [`MapRequest`] asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Backstage entities.
    #[default]
    Backstage,
    /// Port entities (the Port module derives them from the catalog's).
    Port,
}

/// The resolved, validated facts about the organization being mapped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgContext {
    /// Organization name.
    pub organization: String,
    /// Namespace of every entity.
    pub namespace: String,
    /// Full owner ref.
    pub default_owner: String,
    /// TFE host without a trailing `/`.
    pub base_url: String,
    /// Key of owner tags.
    pub owner_tag_key: String,
    /// Full owner refs per project id or name.
    pub project_owners: BTreeMap<String, String>,
    /// Key of blueprint tags.
    pub blueprint_tag_key: String,
    /// Names given before, by TFE id.
    pub previous_names: BTreeMap<String, String>,
    /// Output names (a trailing `*`: any suffix) that become links.
    pub output_links: Vec<String>,
}

impl OrgContext {
    /// Validates options for `organization`.
    pub fn new(organization: &str, options: &MapOptions) -> Result<Self, MapError> {
        let invalid = |option: &str, reason: String| MapError::InvalidOption { option: option.to_owned(), reason };
        let namespace = match &options.namespace {
            Some(ns) if naming::is_valid_namespace(ns) => ns.clone(),
            Some(ns) => {
                return Err(invalid(
                    "namespace",
                    format!("{ns:?} is not a lower-case DNS label of at most 63 characters"),
                ));
            }
            None => naming::namespace_for_org(organization),
        };
        let owner = options.default_owner.as_deref().unwrap_or(DEFAULT_OWNER);
        let default_owner = naming::owner_ref(owner).map_err(|r| invalid("defaultOwner", r))?;
        let base_url = options.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(invalid("baseUrl", format!("{base_url:?} is not an http(s) URL")));
        }
        let project_owners = options
            .project_owners
            .iter()
            .map(|(project, owner)| {
                naming::owner_ref(owner).map(|o| (project.clone(), o)).map_err(|r| invalid("projectOwners", r))
            })
            .collect::<Result<_, _>>()?;
        Ok(OrgContext {
            organization: organization.to_owned(),
            namespace,
            default_owner,
            base_url: base_url.trim_end_matches('/').to_owned(),
            owner_tag_key: options.owner_tag_key.clone().unwrap_or_else(|| DEFAULT_OWNER_TAG_KEY.to_owned()),
            project_owners,
            blueprint_tag_key: options
                .blueprint_tag_key
                .clone()
                .unwrap_or_else(|| DEFAULT_BLUEPRINT_TAG_KEY.to_owned()),
            previous_names: options.previous_names.clone(),
            output_links: options
                .output_links
                .clone()
                .unwrap_or_else(|| DEFAULT_OUTPUT_LINKS.iter().map(|p| (*p).to_owned()).collect()),
        })
    }
}

/// Parses and maps documents into entities.
///
/// Each document is parsed, folded into what is collected, and dropped before the next one is
/// read, so memory holds one parsed document at a time, never the whole organization's.
pub fn map_documents(documents: &[SourceDocument], options: &MapOptions) -> Result<Vec<Entity>, MapError> {
    let mut collected = Collected::default();
    for d in documents {
        collected.add(&d.name, &parse_document(&d.name, &d.text)?)?;
    }
    map_collected(collected, options)
}

/// Everything an organization's documents hold, keyed by TFE id (so that a page read twice, or
/// a show document next to a list, counts once). The sync planner folds each page in as it
/// arrives and drops the page, so a large organization is never held as JSON.
#[derive(Debug, Default)]
pub struct Collected {
    workspaces: BTreeMap<String, Workspace>,
    runs: BTreeMap<String, Run>,
    projects: BTreeMap<String, Project>,
    modules: BTreeMap<String, RegistryModule>,
    details: BTreeMap<String, ModuleDetails>,
    /// What the listing includes beside runs: outputs, configuration versions (their ingress
    /// attributes' id), ingress attributes, and the users and teams that hold locks.
    outputs: BTreeMap<String, crate::tfe::Output>,
    configuration_versions: BTreeMap<String, Option<String>>,
    ingress: BTreeMap<String, crate::tfe::Trigger>,
    holders: BTreeMap<String, String>,
}

impl Collected {
    /// The workspaces collected so far, with their runs, leaving the rest.
    pub fn take_workspaces(&mut self) -> Vec<(Workspace, Option<Run>)> {
        let mut taken = Vec::new();
        for mut ws in std::mem::take(&mut self.workspaces).into_values() {
            let mut run = ws.current_run_id.as_ref().and_then(|id| self.runs.remove(id));
            if let Some(run) = &mut run {
                run.trigger = self.trigger_of(run);
            }
            self.attach_included(&mut ws);
            taken.push((ws, run));
        }
        self.outputs.clear();
        self.configuration_versions.clear();
        self.ingress.clear();
        taken
    }

    /// A workspace's outputs and lock holder's name, from what the listing included.
    fn attach_included(&self, ws: &mut Workspace) {
        ws.outputs = ws.output_ids.as_deref().and_then(|ids| crate::tfe::output::outputs_of(ids, &self.outputs));
        if let Some(holder) = &mut ws.locked_by {
            holder.name = self.holders.get(&format!("{}/{}", holder.kind, holder.id)).cloned();
        }
    }

    /// A run's trigger, from its configuration version's ingress attributes when included.
    fn trigger_of(&self, run: &Run) -> Option<crate::tfe::Trigger> {
        let ingress_id = self.configuration_versions.get(run.configuration_version_id.as_ref()?)?.as_ref()?;
        self.ingress.get(ingress_id).cloned()
    }

    /// Every run collected.
    pub fn take_runs(self) -> Vec<Run> {
        self.runs.into_values().collect()
    }

    /// Folds one document in; `name` labels errors.
    pub fn add(&mut self, name: &str, doc: &Document) -> Result<(), MapError> {
        if let Some(details) = &doc.module_details {
            self.details.insert(details.path.clone(), details.clone());
        }
        for resource in doc.data.iter().chain(&doc.included) {
            match resource.kind.as_str() {
                "workspaces" => {
                    let ws = Workspace::from_resource(name, resource)?;
                    self.workspaces.insert(ws.id.clone(), ws);
                }
                "runs" => {
                    let run = Run::from_resource(name, resource)?;
                    self.runs.insert(run.id.clone(), run);
                }
                "projects" => {
                    let p = Project::from_resource(name, resource)?;
                    self.projects.insert(p.id.clone(), p);
                }
                "registry-modules" => {
                    let m = RegistryModule::from_resource(name, resource)?;
                    self.modules.insert(m.id.clone(), m);
                }
                "workspace-outputs" => {
                    if let Some(output) = crate::tfe::Output::from_resource(resource) {
                        self.outputs.insert(resource.id.clone(), output);
                    }
                }
                "configuration-versions" => {
                    let ingress = resource.relationship_id("ingress-attributes").map(str::to_owned);
                    self.configuration_versions.insert(resource.id.clone(), ingress);
                }
                "ingress-attributes" => {
                    self.ingress.insert(resource.id.clone(), crate::tfe::Trigger::from_ingress(resource));
                }
                "users" | "teams" => {
                    let key = if resource.kind == "users" { "username" } else { "name" };
                    if let Some(label) = resource.attr_text(key) {
                        self.holders.insert(format!("{}/{}", resource.kind, resource.id), label.to_owned());
                    }
                }
                // Other types (organizations, plans, ...) are not catalog objects.
                _ => {}
            }
        }
        Ok(())
    }

    /// Forgets every object of a JSON:API type (a listing about to be read again).
    pub fn forget(&mut self, kind: &str) {
        match kind {
            "workspaces" => {
                self.workspaces.clear();
                self.runs.clear();
            }
            "projects" => self.projects.clear(),
            "registry-modules" => self.modules.clear(),
            _ => {}
        }
    }
}

fn collect<'a>(documents: impl IntoIterator<Item = (&'a str, &'a Document)>) -> Result<Collected, MapError> {
    let mut c = Collected::default();
    for (name, doc) in documents {
        c.add(name, doc)?;
    }
    Ok(c)
}

/// Maps already parsed documents (the sync planner's pages) to the linked model: projects as
/// `System`s, registry modules as blueprint `Component`s, workspaces as `Resource`s that are
/// `partOf` their project's system and `dependsOn` the blueprint they instantiate.
pub fn map_parsed<'a>(
    documents: impl IntoIterator<Item = (&'a str, &'a Document)>,
    options: &MapOptions,
) -> Result<Vec<Entity>, MapError> {
    map_collected(collect(documents)?, options)
}

/// Maps what was collected, consuming it: each workspace and its run move into its entity's
/// mapping rather than being copied.
pub fn map_collected(mut c: Collected, options: &MapOptions) -> Result<Vec<Entity>, MapError> {
    let Some(linker) = Linker::for_collected(&c, options)? else { return Ok(Vec::new()) };
    let resources =
        c.take_workspaces().into_iter().map(|(ws, run)| linker.workspace_entity(&ws, run.as_ref())).collect();
    Ok(linker.finish(resources))
}

/// Maps workspaces once the organization's projects and modules are known, so that a sync can map
/// each page of workspaces as it arrives instead of all of them at the end.
#[derive(Debug)]
pub struct Linker {
    org: OrgContext,
    projects: BTreeMap<String, Project>,
    systems: Vec<Entity>,
    system_refs: BTreeMap<String, String>,
    modules: Vec<RegistryModule>,
    module_index: blueprint::ModuleIndex,
    templates: Vec<Entity>,
    /// Module index by path: where an instance's upgrade is looked up.
    module_by_path: BTreeMap<String, usize>,
    /// Each mapped workspace's outputs, for the sync's snapshot to carry beside the entities
    /// (entities hold only links and counts; values belong to the plugin's state).
    outputs: std::cell::RefCell<BTreeMap<String, JsonText<Vec<crate::tfe::Output>>>>,
}

impl Linker {
    /// The linker for what was collected, its organization resolved and options validated;
    /// `None` when nothing was.
    pub fn for_collected(c: &Collected, options: &MapOptions) -> Result<Option<Self>, MapError> {
        if c.workspaces.is_empty() && c.projects.is_empty() && c.modules.is_empty() {
            return Ok(None);
        }
        let orgs = c
            .workspaces
            .values()
            .map(|w| &w.organization)
            .chain(c.projects.values().map(|p| &p.organization))
            .chain(c.modules.values().map(|m| &m.organization));
        let organization = resolve_organization(options, orgs)?;
        Ok(Some(Linker::new(c, OrgContext::new(&organization, options)?)))
    }

    /// Maps the projects and modules of `c`, ready to link workspaces to them.
    pub fn new(c: &Collected, org: OrgContext) -> Self {
        let mut systems: Vec<Entity> = c.projects.values().map(|p| project::project_entity(p, &org)).collect();
        disambiguate(&mut systems, &org.previous_names);
        let system_refs = c.projects.keys().cloned().zip(systems.iter().map(Entity::entity_ref)).collect();
        let modules: Vec<RegistryModule> = c.modules.values().cloned().collect();
        let mut templates: Vec<Entity> =
            modules.iter().map(|m| registry_module::module_entity(m, c.details.get(&m.path()), &org)).collect();
        disambiguate(&mut templates, &org.previous_names);
        let module_by_path = modules.iter().enumerate().map(|(i, m)| (m.path(), i)).collect();
        let module_index = blueprint::ModuleIndex::new(&modules);
        let outputs = Default::default();
        Linker {
            org,
            projects: c.projects.clone(),
            systems,
            system_refs,
            modules,
            module_index,
            templates,
            module_by_path,
            outputs,
        }
    }

    /// One workspace's `Resource`, linked to its system, blueprint and owner.
    pub fn workspace_entity(&self, ws: &Workspace, run: Option<&Run>) -> Entity {
        let project = ws.project_id.as_ref().and_then(|id| self.projects.get(id));
        let links = workspace::WorkspaceLinks {
            owner: owner::owner(&ws.tag_names, project, &self.org),
            system: ws.project_id.as_ref().and_then(|id| self.system_refs.get(id).cloned()),
            blueprint: blueprint::blueprint_of(ws, &self.module_index, &self.org).map(|link| workspace::Blueprint {
                entity_ref: self.templates[link.module].entity_ref(),
                path: self.modules[link.module].path(),
                version: link.version,
            }),
        };
        let mut entity = workspace::workspace_entity(ws, run, &links, &self.org);
        self.mark_upgrade(&mut entity);
        entity
    }

    /// An instance's upgrade, against the template it instantiates.
    fn mark_upgrade(&self, entity: &mut Entity) {
        let module = entity.metadata.annotations.get(annotations::BLUEPRINT).and_then(|p| self.module_by_path.get(p));
        if let Some(&module) = module {
            upgrade::annotate_instance(entity, &self.modules[module].versions);
        }
    }

    /// The outputs of the workspaces mapped so far by [`Linker::workspace_mapped`], by workspace id
    /// (those whose listing had them).
    pub fn take_outputs(&self) -> BTreeMap<String, JsonText<Vec<crate::tfe::Output>>> {
        self.outputs.take()
    }

    /// One workspace's `Resource` as the sync keeps it (see [`MappedResource`]), its outputs
    /// kept beside it for the snapshot ([`Linker::take_outputs`]).
    pub fn workspace_mapped(&self, ws: &Workspace, run: Option<&Run>) -> MappedResource {
        match &ws.outputs {
            Some(outputs) => self.outputs.borrow_mut().insert(ws.id.clone(), JsonText::new(outputs)),
            None => self.outputs.borrow_mut().remove(&ws.id),
        };
        MappedResource::new(&self.workspace_entity(ws, run))
    }

    /// Every entity: systems, templates and `resources`, names made unique, sorted.
    pub fn finish(self, mut resources: Vec<Entity>) -> Vec<Entity> {
        disambiguate(&mut resources, &self.org.previous_names);
        let mut templates = self.templates;
        upgrade::annotate_templates(&mut templates, resources.iter().filter_map(upgrade::outdated_blueprint));
        let mut entities: Vec<Entity> = self.systems.into_iter().chain(templates).chain(resources).collect();
        // Each key built once (lowercasing allocates), not twice per comparison.
        entities.sort_by_cached_key(|e| (e.kind.clone(), e.metadata.name.to_lowercase()));
        entities
    }

    /// [`Linker::finish`] for resources kept as text: the same entities in the same order, as
    /// text, without turning the resources back into structs (but the rare one renamed).
    pub fn finish_json(self, mut resources: Vec<MappedResource>) -> Vec<JsonText<Entity>> {
        disambiguate(&mut resources, &self.org.previous_names);
        let mut templates = self.templates;
        upgrade::annotate_templates(&mut templates, resources.iter().filter_map(|r| r.outdated_blueprint.as_deref()));
        let key = |e: &Entity| (e.kind.clone(), e.metadata.name.to_lowercase());
        let mut entities: Vec<((String, String), JsonText<Entity>)> = self
            .systems
            .iter()
            .chain(&templates)
            .map(|e| (key(e), JsonText::new(e)))
            .chain(resources.into_iter().map(|r| ((workspace::KIND.to_owned(), r.name.to_lowercase()), r.json)))
            .collect();
        entities.sort_by(|a, b| a.0.cmp(&b.0));
        entities.into_iter().map(|(_, json)| json).collect()
    }
}

/// A workspace's entity as a sync keeps it from its page to the snapshot: its compact JSON text,
/// and the few facts the end of the sync still reads (its name and TFE id, to make names unique;
/// the template it is behind, to count on the template).
#[derive(Debug, Clone, PartialEq)]
pub struct MappedResource {
    name: String,
    tfe_id: String,
    outdated_blueprint: Option<String>,
    json: JsonText<Entity>,
}

impl MappedResource {
    /// Keeps `entity` (a workspace's `Resource`) as text.
    pub fn new(entity: &Entity) -> Self {
        debug_assert_eq!(entity.kind, workspace::KIND);
        MappedResource {
            name: entity.metadata.name.clone(),
            tfe_id: entity.tfe_id().unwrap_or_default().to_owned(),
            outdated_blueprint: upgrade::outdated_blueprint(entity).map(str::to_owned),
            json: JsonText::new(entity),
        }
    }
}

/// What [`disambiguate`] reads and changes: entities, or resources kept as text.
trait Named {
    fn kind(&self) -> &str;
    fn name(&self) -> &str;
    fn tfe_id(&self) -> &str;
    fn rename(&mut self, name: String);
}

impl Named for Entity {
    fn kind(&self) -> &str {
        &self.kind
    }
    fn name(&self) -> &str {
        &self.metadata.name
    }
    fn tfe_id(&self) -> &str {
        Entity::tfe_id(self).unwrap_or_default()
    }
    fn rename(&mut self, name: String) {
        self.metadata.name = name;
    }
}

impl Named for MappedResource {
    fn kind(&self) -> &str {
        workspace::KIND
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn tfe_id(&self) -> &str {
        &self.tfe_id
    }
    fn rename(&mut self, name: String) {
        // Rare (two TFE names giving one entity name): the text is read back, renamed, rewritten.
        let mut entity = self.json.get();
        entity.metadata.name = name.clone();
        self.json = JsonText::new(&entity);
        self.name = name;
    }
}

/// Parses, maps and serializes: the byte-exact output every runtime must agree on (pretty JSON,
/// two-space indent, trailing newline).
pub fn map_documents_to_json(documents: &[SourceDocument], options: &MapOptions) -> Result<String, MapError> {
    Ok(to_json(&map_documents(documents, options)?))
}

/// Serializes entities as the canonical JSON text.
pub fn to_json(entities: &[Entity]) -> String {
    pretty(entities)
}

/// Pretty JSON, two-space indent, trailing newline.
pub(crate) fn pretty<T: Serialize + ?Sized>(value: &T) -> String {
    // Serializing these plain structs cannot fail: every map key is a string.
    let mut text = serde_json::to_string_pretty(value).expect("plain data serializes");
    text.push('\n');
    text
}

fn resolve_organization<'a>(
    options: &MapOptions,
    organizations: impl Iterator<Item = &'a Option<String>>,
) -> Result<String, MapError> {
    let mut found = options.organization.clone();
    for organization in organizations {
        match (&found, organization) {
            (Some(a), Some(b)) if a != b => {
                return Err(MapError::MixedOrganizations { first: a.clone(), second: b.clone() });
            }
            (None, Some(b)) => found = Some(b.clone()),
            _ => {}
        }
    }
    found.ok_or(MapError::NoOrganization)
}

/// Backstage names are unique per kind and namespace, case-insensitively (`entities` holds one
/// kind). Names are given in three rounds, so that they stay put and never collide:
///
/// 1. an entity whose previous name its TFE name still gives (the plain name, or the plain name
///    with a hash suffix) keeps it, so an object appearing later never takes an existing name;
/// 2. in TFE id order, an entity takes its plain name when it is free;
/// 3. the rest get `-<hash of id>`, and should even that be taken (a TFE object literally named
///    so), a hash of the id and an attempt number, until the name is free.
fn disambiguate<T: Named>(entities: &mut [T], previous: &BTreeMap<String, String>) {
    let mut order: Vec<usize> = (0..entities.len()).collect();
    // Compared by reference: a key built per comparison would allocate n·log n strings.
    order.sort_by(|&i, &j| entities[i].tfe_id().cmp(entities[j].tfe_id()));
    let mut taken: std::collections::BTreeSet<(String, String)> = std::collections::BTreeSet::new();
    let key = |e: &T, name: &str| (e.kind().to_owned(), name.to_lowercase());
    let mut named = vec![false; entities.len()];
    for &i in &order {
        let Some(prev) = previous.get(entities[i].tfe_id()) else { continue };
        if naming::derives_from(prev, entities[i].name()) && taken.insert(key(&entities[i], prev)) {
            if prev != entities[i].name() {
                entities[i].rename(prev.clone());
            }
            named[i] = true;
        }
    }
    for &i in &order {
        if !named[i] && taken.insert(key(&entities[i], entities[i].name())) {
            named[i] = true;
        }
    }
    for &i in order.iter().filter(|&&i| !named[i]) {
        let id = entities[i].tfe_id().to_owned();
        let base = entities[i].name().to_owned();
        let mut attempt = 0u32;
        loop {
            let salt = if attempt == 0 { id.clone() } else { format!("{id}#{attempt}") };
            let name = naming::with_hash_suffix(&base, &salt);
            if taken.insert(key(&entities[i], &name)) {
                entities[i].rename(name);
                break;
            }
            attempt += 1;
        }
    }
}
