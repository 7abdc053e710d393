//! `tfe-catalog serve`: keeps Port live. A periodic push (the whole organization) plus a receiver
//! of TFE notification webhooks that puts each run event on its instance within the second.
//!
//! The receiver fails closed, as the Backstage plugin's does: it will not start without a
//! notification token (an unset or empty variable is a configuration error), checks
//! `X-TFE-Notification-Signature` (the core's HMAC-SHA512 check, constant time) before parsing
//! anything, and applies only events of the organization it serves. Pushes and live updates take
//! turns on one Port session, and a live update never overwrites a newer status (the core's rule).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use serde_json::{Value, json};
use tfe_catalog_core::notification::{self, Notification};
use tfe_catalog_core::port::live::LiveUpdate;
use tokio::sync::Mutex;

use crate::port::{PortSession, push_entities, read_tfe, summary};

/// What `serve` needs.
pub struct ServeSettings {
    /// Where to listen (`127.0.0.1:8787`; port 0 picks one).
    pub listen: SocketAddr,
    /// The organization served; events of any other are refused.
    pub organization: String,
    /// The notification token (non-empty).
    pub webhook_token: String,
    /// Time between full pushes.
    pub interval: Duration,
    /// The TFE sync configuration (the core's `SyncConfig` as JSON).
    pub tfe_config: Value,
    /// The TFE token.
    pub tfe_token: String,
    /// Run the sync planner natively.
    pub native: bool,
}

struct State {
    settings: ServeSettings,
    session: Mutex<PortSession>,
}

/// Runs until the process is stopped. Prints `{"url": ...}` on standard output once listening.
pub async fn serve(settings: ServeSettings, session: PortSession) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    println!("{}", json!({"url": format!("http://{}", listener.local_addr()?)}));
    let state = Arc::new(State { settings, session: Mutex::new(session) });
    let pusher = state.clone();
    tokio::spawn(async move {
        loop {
            push_once(&pusher).await;
            tokio::time::sleep(pusher.settings.interval).await;
        }
    });
    loop {
        let (stream, _) = listener.accept().await?;
        let state = state.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let state = state.clone();
                async move { Ok::<_, Infallible>(handle(&state, req).await) }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            if let Err(e) = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await {
                eprintln!("serve: connection: {e}");
            }
        });
    }
}

/// A full push. TFE is read before taking the Port session, so run events wait only for the Port
/// half; a run event that lands between that read and the push is kept (the push keeps a newer
/// `run_updated_at` than its snapshot's).
async fn push_once(state: &State) {
    let s = &state.settings;
    let result = async {
        let (organization, entities, tfe_ms) = read_tfe(s.tfe_config.clone(), &s.tfe_token, s.native).await?;
        let mut session = state.session.lock().await;
        push_entities(&mut session, &organization, entities, tfe_ms, false).await
    };
    match result.await {
        Ok(outcome) => eprintln!("serve: push: {}", summary(&outcome.report)),
        Err(e) => eprintln!("serve: push failed: {e:#}"),
    }
}

fn reply(status: StatusCode, body: Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
    response
}

async fn handle(state: &State, req: Request<Incoming>) -> Response<Full<Bytes>> {
    match (req.method().as_str(), req.uri().path()) {
        ("GET", "/health") => reply(StatusCode::OK, json!({"status": "ok"})),
        ("POST", "/notifications") => notification(state, req).await,
        _ => reply(StatusCode::NOT_FOUND, json!({"error": "not found"})),
    }
}

async fn notification(state: &State, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let signature = req.headers().get("x-tfe-notification-signature").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = match Limited::new(req.into_body(), notification::MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return reply(StatusCode::PAYLOAD_TOO_LARGE, json!({"error": "body too large or cut short"})),
    };
    let s = &state.settings;
    if let Err(e) = notification::verify_signature(Some(&s.webhook_token), &body, signature.as_deref()) {
        return reply(StatusCode::UNAUTHORIZED, json!({"error": e.to_string()}));
    }
    let event = match notification::parse_notification(&body) {
        Ok(Notification::Run(event)) => event,
        Ok(Notification::Verification) => return reply(StatusCode::OK, json!({"status": "verified"})),
        Ok(_) => return reply(StatusCode::ACCEPTED, json!({"status": "ignored"})),
        Err(e) => return reply(StatusCode::BAD_REQUEST, json!({"error": e.to_string()})),
    };
    if event.organization != s.organization {
        let error = format!("organization {:?} is not the one served", event.organization);
        return reply(StatusCode::FORBIDDEN, json!({"error": error}));
    }
    let mut session = state.session.lock().await;
    match session.run(LiveUpdate::new(event), &indicatif::ProgressBar::hidden()).await {
        Ok(report) => {
            eprintln!("serve: run event: {} updated, {} stale", report.updated.len(), report.stale.len());
            reply(StatusCode::OK, json!({"updated": report.updated, "stale": report.stale}))
        }
        Err(e) => reply(StatusCode::BAD_GATEWAY, json!({"error": format!("{e:#}")})),
    }
}
