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
        Command::BenchMap { files, iterations } => {
            let documents = files.iter().map(read_document).collect::<Result<Vec<_>>>()?;
            let bytes: usize = documents.iter().map(|d| d.text.len()).sum();
            let request = MapRequest { documents, ..MapRequest::default() };
            let mut result = serde_json::Map::new();
            result.insert("bytes".to_owned(), bytes.into());
            let rate = |seconds: f64| serde_json::json!((bytes as f64 * f64::from(iterations) / seconds / 1e6 * 10.0).round() / 10.0);
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
        Command::Sync { url, org, token_env, format, out, namespace, owner, native, stats } => {
            let token =
                std::env::var(&token_env).with_context(|| format!("environment variable {token_env} is not set"))?;
            let config = serde_json::json!({
                "organization": org, "baseUrl": url, "namespace": namespace, "defaultOwner": owner,
                "seed": std::process::id() as u64 ^ std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_nanos() as u64,
            });
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let outcome = runtime.block_on(tfe_catalog_host::sync::run(config, &token, native))?;
            let text = match format {
                SyncFormat::Json => tfe_catalog_core::catalog::to_json(&outcome.entities),
                SyncFormat::Port => {
                    let mut t = serde_json::to_string_pretty(&tfe_catalog_core::port::to_port(&outcome.entities))?;
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
            let options = MapOptions { organization: org, namespace, default_owner: owner, base_url, ..MapOptions::default() };
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

fn notification(command: NotificationCommand) -> Result<ExitCode> {
    let mut guest = tfe_catalog_host::guest::Guest::new()?;
    match command {
        NotificationCommand::Verify { token_env, signature, file } => {
            let token =
                std::env::var(&token_env).with_context(|| format!("environment variable {token_env} is not set"))?;
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
