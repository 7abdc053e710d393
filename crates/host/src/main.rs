//! `tfe-catalog`: the operator CLI.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use tfe_catalog_core::{MapOptions, MapRequest, OutputFormat, SourceDocument};
use tfe_catalog_host::Core;

#[derive(Parser)]
#[command(name = "tfe-catalog", version, about = "Terraform Enterprise / HCP Terraform in the Backstage catalog")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Map TFE JSON:API documents to Backstage entities (one JSON array on stdout).
    Map {
        /// Documents to map: paths, or `-` for standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Organization name (default: from the documents).
        #[arg(long)]
        org: Option<String>,
        /// Catalog namespace (default: derived from the organization).
        #[arg(long)]
        namespace: Option<String>,
        /// Owner of the entities (`team-a`, `group:default/team-a`).
        #[arg(long)]
        owner: Option<String>,
        /// TFE host for UI links.
        #[arg(long)]
        base_url: Option<String>,
        /// Backstage entities, or Port entities (blueprint_template, blueprint_instance).
        #[arg(long, value_enum, default_value = "json")]
        format: MapFormat,
        /// Run the core natively instead of in wasmtime.
        #[arg(long)]
        native: bool,
        /// Print the input size and peak RSS as JSON on stderr.
        #[arg(long)]
        stats: bool,
    },
    /// Sync an organization from TFE and write its entities (nothing is written if it fails).
    Sync {
        /// TFE host (https://app.terraform.io, or a Terraform Enterprise URL).
        #[arg(long)]
        url: String,
        /// Organization name.
        #[arg(long)]
        org: String,
        /// Environment variable holding the TFE token (never a flag: flags end up in shell history).
        #[arg(long)]
        token_env: String,
        /// json (an array), yaml (a multi-document catalog-info.yaml a Backstage file/url location reads), or port.
        #[arg(long, value_enum, default_value = "json")]
        format: SyncFormat,
        /// Write here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Catalog namespace (default: derived from the organization).
        #[arg(long)]
        namespace: Option<String>,
        /// Owner of the entities.
        #[arg(long)]
        owner: Option<String>,
        /// Run the planner natively instead of in wasmtime.
        #[arg(long)]
        native: bool,
        /// Accept an http:// --url (the token then travels in clear text): only for a local test server.
        #[arg(long)]
        allow_insecure_http: bool,
        /// Print the sync's counters (requests, retries, peak RSS, time) as JSON on stderr.
        #[arg(long)]
        stats: bool,
    },
    /// Measure mapping throughput of the native core and of the wasm guest (for `npm run bench`).
    #[command(hide = true)]
    BenchMap {
        /// Documents to map.
        files: Vec<PathBuf>,
        /// Timed repetitions per runtime.
        #[arg(long, default_value_t = 5)]
        iterations: u32,
    },
    /// Verify or parse TFE notification webhooks (through the wasm guest).
    #[command(subcommand)]
    Notification(NotificationCommand),
    /// Port: push an organization, print the blueprints or the self-service actions.
    #[command(subcommand)]
    Port(PortCommand),
    /// Keep Port live: a push every --interval-seconds, and a receiver of TFE notifications
    /// (POST /notifications) that puts each run event on its instance.
    Serve {
        #[command(flatten)]
        tfe: TfeArgs,
        #[command(flatten)]
        port: PortArgs,
        /// Environment variable holding the TFE notification token (required: unsigned
        /// notifications are refused).
        #[arg(long)]
        webhook_token_env: String,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: std::net::SocketAddr,
        /// Seconds between full pushes.
        #[arg(long, default_value_t = 600)]
        interval_seconds: u64,
    },
}

/// Where and how to read TFE (as `sync`).
#[derive(clap::Args)]
struct TfeArgs {
    /// TFE host (https://app.terraform.io, or a Terraform Enterprise URL).
    #[arg(long)]
    url: String,
    /// Organization name.
    #[arg(long)]
    org: String,
    /// Environment variable holding the TFE token.
    #[arg(long)]
    token_env: String,
    /// Catalog namespace (default: derived from the organization); it prefixes Port identifiers.
    #[arg(long)]
    namespace: Option<String>,
    /// Owner of the entities.
    #[arg(long)]
    owner: Option<String>,
    /// Run the sync planner natively instead of in wasmtime.
    #[arg(long)]
    native: bool,
    /// Accept an http:// --url (and --port-url): the credentials then travel in clear text; only
    /// for a local test server.
    #[arg(long)]
    allow_insecure_http: bool,
}

/// Where and how to reach Port. Credentials come from the environment, never from flags.
#[derive(clap::Args)]
struct PortArgs {
    /// Port's API (https://api.port.io, or https://api.us.port.io).
    #[arg(long, default_value = tfe_catalog_core::port::planner::DEFAULT_BASE_URL)]
    port_url: String,
    /// Environment variable holding the Port client id.
    #[arg(long, default_value = "PORT_CLIENT_ID")]
    client_id_env: String,
    /// Environment variable holding the Port client secret.
    #[arg(long, default_value = "PORT_CLIENT_SECRET")]
    client_secret_env: String,
    /// Port requests per second (Port allowed 15,000 per 5 minutes for non-entity requests).
    #[arg(long, default_value_t = 40.0)]
    requests_per_second: f64,
}

#[derive(Subcommand)]
enum PortCommand {
    /// Make the organization's blueprint templates and instances in Port equal to TFE.
    Push {
        #[command(flatten)]
        tfe: TfeArgs,
        #[command(flatten)]
        port: PortArgs,
        /// Print the plan (blueprints, creates, updates, deletes) and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the push's report as JSON on standard output.
        #[arg(long)]
        json: bool,
    },
    /// Print the blueprints a push creates (a JSON array of `POST /v1/blueprints` bodies).
    Blueprints,
    /// Print self-service action definitions ("Re-run plan", "Apply now") on blueprint_instance
    /// that call an orchestrator (a JSON array of `POST /v1/actions` bodies). This tool never
    /// triggers runs.
    Actions {
        /// The orchestrator's base URL.
        #[arg(long)]
        url: String,
        /// Path of "Re-run plan" under --url; `{workspace_id}` and `{run_id}` are filled in.
        #[arg(long)]
        rerun_plan_path: Option<String>,
        /// Path of "Apply now" under --url.
        #[arg(long)]
        apply_path: Option<String>,
    },
}

#[derive(Subcommand)]
enum NotificationCommand {
    /// Check a notification's X-TFE-Notification-Signature against the file's exact bytes.
    Verify {
        /// Environment variable holding the notification token.
        #[arg(long)]
        token_env: String,
        /// The X-TFE-Notification-Signature value (hex HMAC-SHA512).
        #[arg(long)]
        signature: String,
        /// The request body, exactly as received (`-` for standard input).
        file: PathBuf,
    },
    /// Print the normalised event of a notification body as JSON.
    Parse {
        /// The request body (`-` for standard input).
        file: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SyncFormat {
    /// A JSON array of Backstage entities.
    Json,
    /// A multi-document YAML file of Backstage entities.
    Yaml,
    /// A JSON array of Port entities.
    Port,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum MapFormat {
    /// Backstage entities as a JSON array.
    Json,
    /// Port entities as a JSON array.
    Port,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tfe-catalog: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Notification(command) => notification(command),
        Command::Port(command) => port(command),
        Command::Serve { tfe, port, webhook_token_env, listen, interval_seconds } => {
            anyhow::ensure!(
                std::env::var_os(&webhook_token_env).is_some(),
                "environment variable {webhook_token_env} is not set: serve refuses unsigned notifications"
            );
            let webhook_token = read_token(&webhook_token_env)?;
            let (tfe_config, tfe_token) = tfe_settings(&tfe)?;
            let settings = tfe_catalog_host::serve::ServeSettings {
                listen,
                organization: tfe.org.clone(),
                webhook_token,
                interval: std::time::Duration::from_secs(interval_seconds.max(1)),
                tfe_config,
                tfe_token,
                native: tfe.native,
            };
            let session = port_session(&port, tfe.allow_insecure_http)?;
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(tfe_catalog_host::serve::serve(settings, session))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchMap { files, iterations } => {
            let documents = files.iter().map(read_document).collect::<Result<Vec<_>>>()?;
            let bytes: usize = documents.iter().map(|d| d.text.len()).sum();
            let request = MapRequest { documents, ..MapRequest::default() };
            let mut result = serde_json::Map::new();
            result.insert("bytes".to_owned(), bytes.into());
            let rate = |seconds: f64| {
                serde_json::json!((bytes as f64 * f64::from(iterations) / seconds / 1e6 * 10.0).round() / 10.0)
            };
            // The yardsticks: reading the same bytes with serde_json, into a tree and into nothing.
            let start = std::time::Instant::now();
            for _ in 0..iterations {
                for d in &request.documents {
                    std::hint::black_box(serde_json::from_str::<serde_json::Value>(&d.text)?);
                }
            }
            result.insert("parseValueMBps".to_owned(), rate(start.elapsed().as_secs_f64()));
            let start = std::time::Instant::now();
            for _ in 0..iterations {
                for d in &request.documents {
                    std::hint::black_box(serde_json::from_str::<serde::de::IgnoredAny>(&d.text)?);
                }
            }
            result.insert("parseIgnoredAnyMBps".to_owned(), rate(start.elapsed().as_secs_f64()));
            for (label, native) in [("native", true), ("wasmtime", false)] {
                let mut core = Core::new(native)?;
                let first = core.map(&request)?.map_err(|e| anyhow::anyhow!(e))?;
                let entities = serde_json::from_str::<Vec<serde::de::IgnoredAny>>(&first)?.len();
                let start = std::time::Instant::now();
                for _ in 0..iterations {
                    core.map(&request)?.map_err(|e| anyhow::anyhow!(e))?;
                }
                let seconds = start.elapsed().as_secs_f64();
                let per_second = (entities as f64 * f64::from(iterations)) / seconds;
                result.insert(
                    label.to_owned(),
                    serde_json::json!({"entities": entities, "entitiesPerSecond": per_second.round(), "MBps": rate(seconds)}),
                );
            }
            println!("{}", serde_json::Value::Object(result));
            Ok(ExitCode::SUCCESS)
        }
        Command::Sync { url, org, token_env, format, out, namespace, owner, native, allow_insecure_http, stats } => {
            let token = read_token(&token_env)?;
            let url = tfe_catalog_core::origin::check_base_url(&url, allow_insecure_http).context("--url")?;
            let config = serde_json::json!({
                "organization": org, "baseUrl": url, "namespace": namespace, "defaultOwner": owner,
                "seed": std::process::id() as u64 ^ std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos() as u64,
            });
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let outcome = runtime.block_on(tfe_catalog_host::sync::run(config, &token, native))?;
            let text = match format {
                SyncFormat::Json => tfe_catalog_core::catalog::to_json(&outcome.entities),
                SyncFormat::Port => {
                    let mut entities = tfe_catalog_core::port::to_port(&outcome.entities, &org);
                    tfe_catalog_core::port::add_outputs(&mut entities, &outcome.outputs);
                    let mut t = serde_json::to_string_pretty(&entities)?;
                    t.push('\n');
                    t
                }
                SyncFormat::Yaml => outcome
                    .entities
                    .iter()
                    .map(|e| serde_yaml_ng::to_string(e).map(|doc| format!("---\n{doc}")))
                    .collect::<Result<String, _>>()?,
            };
            match &out {
                Some(path) => std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?,
                None => print!("{text}"),
            }
            let summary = serde_json::json!({
                "entities": outcome.entities.len(), "elapsedMs": outcome.elapsed.as_millis() as u64,
                "tailMs": outcome.tail.as_millis() as u64,
                "peakRssKiB": tfe_catalog_host::sync::peak_rss_kib(), "planner": outcome.stats,
            });
            if stats {
                eprintln!("{summary}");
            } else {
                eprintln!("synced {} entities of {org} in {} ms", outcome.entities.len(), outcome.elapsed.as_millis());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Map { files, org, namespace, owner, base_url, format, native, stats } => {
            let options =
                MapOptions { organization: org, namespace, default_owner: owner, base_url, ..MapOptions::default() };
            let format = match format {
                MapFormat::Json => OutputFormat::Backstage,
                MapFormat::Port => OutputFormat::Port,
            };
            // One file at a time: read, handed to the core, dropped.
            let mut core = Core::new(native)?;
            let mut input_bytes = 0;
            let result = (|| -> Result<Result<String, String>> {
                let mut mapping = match core.mapping(&options, format)? {
                    Ok(mapping) => mapping,
                    Err(message) => return Ok(Err(message)),
                };
                for file in &files {
                    let document = read_document(file)?;
                    input_bytes += document.text.len();
                    if let Err(message) = mapping.add(&document.name, &document.text)? {
                        return Ok(Err(message));
                    }
                }
                Ok(mapping.finish()?)
            })()?;
            if stats {
                let peak = tfe_catalog_host::sync::peak_rss_kib();
                eprintln!("{}", serde_json::json!({"inputBytes": input_bytes, "peakRssKiB": peak}));
            }
            match result {
                Ok(json) => {
                    print!("{json}");
                    Ok(ExitCode::SUCCESS)
                }
                Err(message) => {
                    eprintln!("tfe-catalog: {message}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
    }
}

/// The sync configuration and token of `tfe`, as `sync` builds them.
fn tfe_settings(tfe: &TfeArgs) -> Result<(serde_json::Value, String)> {
    let token = read_token(&tfe.token_env)?;
    let url = tfe_catalog_core::origin::check_base_url(&tfe.url, tfe.allow_insecure_http).context("--url")?;
    let config = serde_json::json!({
        "organization": tfe.org, "baseUrl": url, "namespace": tfe.namespace, "defaultOwner": tfe.owner,
        "seed": jitter_seed(),
    });
    Ok((config, token))
}

fn jitter_seed() -> u64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    std::process::id() as u64 ^ nanos
}

/// The Port session of `port`. Its URL is held to https by the rule of TFE's (the client secret
/// and tokens travel to it), and `--allow-insecure-http` relaxes both.
fn port_session(port: &PortArgs, allow_insecure_http: bool) -> Result<tfe_catalog_host::port::PortSession> {
    let read = |name: &str| {
        let value = std::env::var(name).with_context(|| format!("environment variable {name} is not set"))?;
        anyhow::ensure!(!value.is_empty(), "environment variable {name} is empty");
        Ok(value)
    };
    let config = tfe_catalog_core::port::planner::PortConfig {
        base_url: tfe_catalog_core::origin::check_api_url("--port-url", &port.port_url, allow_insecure_http)?,
        requests_per_second: port.requests_per_second,
        seed: jitter_seed(),
        ..Default::default()
    };
    tfe_catalog_host::port::PortSession::new(config, read(&port.client_id_env)?, read(&port.client_secret_env)?)
}

fn port(command: PortCommand) -> Result<ExitCode> {
    use tfe_catalog_core::port::{actions, blueprint};
    match command {
        PortCommand::Blueprints => {
            let bodies: Vec<_> = blueprint::blueprints().iter().map(blueprint::Blueprint::to_json).collect();
            println!("{}", serde_json::to_string_pretty(&bodies)?);
            Ok(ExitCode::SUCCESS)
        }
        PortCommand::Actions { url, rerun_plan_path, apply_path } => {
            let defaults = actions::ActionUrls::default();
            let urls = actions::ActionUrls {
                rerun_plan: rerun_plan_path.unwrap_or(defaults.rerun_plan),
                apply: apply_path.unwrap_or(defaults.apply),
            };
            println!("{}", serde_json::to_string_pretty(&actions::actions(&url, &urls))?);
            Ok(ExitCode::SUCCESS)
        }
        PortCommand::Push { tfe, port, dry_run, json } => {
            let (config, token) = tfe_settings(&tfe)?;
            let mut session = port_session(&port, tfe.allow_insecure_http)?;
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let outcome =
                runtime.block_on(tfe_catalog_host::port::push(&mut session, config, &token, tfe.native, dry_run))?;
            let report = &outcome.report;
            if json {
                let mut value = serde_json::to_value(report)?;
                value["elapsedMs"] = serde_json::json!({"tfe": outcome.tfe_ms, "port": outcome.port_ms});
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else if dry_run {
                print!("{}", tfe_catalog_host::port::plan_lines(report));
            }
            eprintln!("{}", tfe_catalog_host::port::summary(report));
            for error in &report.errors {
                eprintln!(
                    "tfe-catalog: Port refused {}/{}: {}",
                    error["blueprint"], error["identifier"], error["message"]
                );
            }
            Ok(if report.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
    }
}

fn notification(command: NotificationCommand) -> Result<ExitCode> {
    let mut guest = tfe_catalog_host::guest::Guest::new()?;
    match command {
        NotificationCommand::Verify { token_env, signature, file } => {
            let token = read_token(&token_env)?;
            let body = read_bytes(&file)?;
            match guest.notification_verify(Some(&token), &body, Some(&signature))? {
                Ok(()) => {
                    eprintln!("signature OK");
                    Ok(ExitCode::SUCCESS)
                }
                Err(reason) => {
                    eprintln!("tfe-catalog: {reason}");
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        NotificationCommand::Parse { file } => match guest.notification_parse(&read_bytes(&file)?)? {
            Ok(json) => {
                println!("{json}");
                Ok(ExitCode::SUCCESS)
            }
            Err(reason) => {
                eprintln!("tfe-catalog: {reason}");
                Ok(ExitCode::FAILURE)
            }
        },
    }
}

/// The token in environment variable `name`, checked by the core's rule (non-empty, printable
/// ASCII): an error names the variable, never the token.
fn read_token(name: &str) -> Result<String> {
    // VarError's text quotes a non-Unicode value: say what is wrong without it.
    let token = std::env::var(name).map_err(|e| match e {
        std::env::VarError::NotPresent => anyhow::anyhow!("environment variable {name} is not set"),
        std::env::VarError::NotUnicode(_) => anyhow::anyhow!("environment variable {name} is not valid UTF-8"),
    })?;
    tfe_catalog_core::token::check_token(&format!("environment variable {name}"), &token)?;
    Ok(token)
}

fn read_bytes(path: &PathBuf) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).context("reading standard input")?;
        return Ok(bytes);
    }
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

fn read_document(path: &PathBuf) -> Result<SourceDocument> {
    let (name, text) = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).context("reading standard input")?;
        ("-".to_owned(), text)
    } else {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        (name, text)
    };
    Ok(SourceDocument { name, text })
}
