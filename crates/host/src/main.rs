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
    },
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
        Command::Map { files, org, namespace, owner, base_url, format, native } => {
            let documents = files.iter().map(read_document).collect::<Result<Vec<_>>>()?;
            let request = MapRequest {
                documents,
                options: MapOptions {
                    organization: org,
                    namespace,
                    default_owner: owner,
                    base_url,
                    ..MapOptions::default()
                },
                format: match format {
                    MapFormat::Json => OutputFormat::Backstage,
                    MapFormat::Port => OutputFormat::Port,
                },
            };
            let mut core = Core::new(native)?;
            match core.map(&request)? {
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
