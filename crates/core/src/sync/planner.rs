//! The planner's state machine: which request leaves next, and what each answer means. What a
//! full sync and a refresh do with the pages they read is in `full.rs` and `refresh.rs`.

use std::collections::{BTreeMap, BTreeSet};

use super::SyncConfig;
use super::http::{Assessment, HttpRequest, HttpResponse, Input, Output, SyncStats, header};
use super::listing::{LISTINGS, Listing, ListingRead, REFRESH_LISTINGS, page_url, same_origin};
use super::pacing::{DEFAULT_RATE_LIMIT, Pacing, RUN_LIST_LIMIT_PER_MINUTE, interval_ms};
use crate::catalog;
use crate::error::{ParseError, SyncError};
use crate::tfe::{Document, jsonapi, parse_document};

/// How many requests may be in flight at once. Pacing, not this, keeps a sync under TFE's rate
/// limit; this only bounds the answers held while an earlier page is awaited (a few 600 KB pages).
pub const MAX_IN_FLIGHT: usize = 8;

/// How many times a shifting listing is restarted before the sync fails.
const MAX_RESTARTS: u32 = 3;

/// What a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Target {
    /// `GET /api/v2/ping`, for the rate limit.
    Ping,
    /// A page of a listing (by its index).
    Page { listing: usize, page: u64 },
    /// The current assessment result of the `n`th workspace due.
    Assessment(usize),
}

/// A request to send (once paced), or sent and awaiting its answer.
#[derive(Debug)]
pub(super) struct Work {
    pub target: Target,
    pub url: String,
    pub attempt: u32,
    pub not_before_ms: u64,
}

#[derive(Debug)]
enum Phase {
    /// The ping is asked for or in flight.
    Probe,
    /// Reading the listings, one after the other.
    Listings,
    /// Reading the assessment results due.
    Assessments,
    /// Done or failed, and said so.
    Finished,
    /// Done or failed, not yet said.
    Terminal(Box<Output>),
}

/// One organization's sync. See the module docs for the drive loop.
#[derive(Debug)]
pub struct SyncPlanner {
    pub(super) config: SyncConfig,
    /// The organization, its namespace, owners and host, validated once in [`SyncPlanner::new`].
    pub(super) org: catalog::OrgContext,
    phase: Phase,
    pacing: Pacing,
    /// Requests to send, each when paced.
    queue: Vec<Work>,
    /// Requests sent, by id.
    in_flight: BTreeMap<u64, Work>,
    /// Requests whose answers no longer matter (pages read ahead of a listing that ended or
    /// restarted): their answers are dropped.
    abandoned: BTreeSet<u64>,
    next_id: u64,
    started_at_ms: Option<u64>,
    /// Index into [`Self::listings`] of the listing being folded in, and the reading of each.
    pub(super) listing: usize,
    reads: Vec<ListingRead>,
    pub(super) collected: catalog::Collected,
    /// Ready once projects and modules are read; maps each workspace page as it is folded in.
    pub(super) linker: Option<catalog::Linker>,
    /// Workspace entities mapped so far, by workspace id, kept as text until the snapshot.
    pub(super) resources: BTreeMap<String, catalog::MappedResource>,
    /// Workspaces whose listing shows an assessment newer than the host knows.
    pub(super) assessments_due: Vec<String>,
    /// The next of `assessments_due` to ask for, and what was read (by its place in that list).
    pub(super) next_assessment: usize,
    pub(super) assessments: Vec<(usize, Option<Assessment>)>,
    pub(super) stats: SyncStats,
    rng: u64,
}

impl SyncPlanner {
    /// A planner for one organization. Validates the configuration up front, so a bad namespace or
    /// owner fails before any request is made.
    pub fn new(config: SyncConfig) -> Result<Self, SyncError> {
        let organization = config.options.organization.clone().unwrap_or_default();
        if organization.is_empty() || !organization.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(SyncError::InvalidConfig(format!(
                "organization {organization:?} is not a TFE organization name (letters, digits, - and _)"
            )));
        }
        if !(1..=100).contains(&config.page_size) {
            return Err(SyncError::InvalidConfig(format!("pageSize {} is outside TFE's 1..=100", config.page_size)));
        }
        let org = catalog::OrgContext::new(&organization, &config.options)?;
        let ping =
            Work { target: Target::Ping, url: format!("{}/api/v2/ping", org.base_url), attempt: 1, not_before_ms: 0 };
        let rng = config.seed ^ 0x9E37_79B9_7F4A_7C15;
        Ok(SyncPlanner {
            config,
            org,
            phase: Phase::Probe,
            pacing: Pacing::default(),
            queue: vec![ping],
            in_flight: BTreeMap::new(),
            abandoned: BTreeSet::new(),
            next_id: 1,
            started_at_ms: None,
            listing: 0,
            reads: Vec::new(),
            collected: catalog::Collected::default(),
            linker: None,
            resources: BTreeMap::new(),
            assessments_due: Vec::new(),
            next_assessment: 0,
            assessments: Vec::new(),
            stats: SyncStats { min_interval_ms: interval_ms(DEFAULT_RATE_LIMIT), ..SyncStats::default() },
            rng,
        })
    }

    /// The organization's name.
    pub(super) fn organization(&self) -> &str {
        &self.org.organization
    }

    /// What this planner reads: the full model, or the runs list for a refresh.
    pub(super) fn listings(&self) -> &'static [Listing] {
        if self.config.refresh_since.is_some() { &REFRESH_LISTINGS } else { &LISTINGS }
    }

    /// The listing being read; `None` once they are all read.
    fn current_listing(&self) -> Option<Listing> {
        match self.phase {
            Phase::Listings => self.listings().get(self.listing).copied(),
            _ => None,
        }
    }

    /// The least time between requests now: the probed per-second limit, or the per-minute one
    /// while reading a run list.
    fn interval_now(&self) -> u64 {
        if self.current_listing().is_some_and(|l| l.per_minute) {
            self.stats.min_interval_ms.max(interval_ms(RUN_LIST_LIMIT_PER_MINUTE / 60.0))
        } else {
            self.stats.min_interval_ms
        }
    }

    /// The next thing to do. See the module docs.
    pub fn poll_output(&mut self, now_ms: u64) -> Output {
        let started = *self.started_at_ms.get_or_insert(now_ms);
        if !matches!(self.phase, Phase::Finished | Phase::Terminal(_))
            && now_ms.saturating_sub(started) > self.config.retry.time_budget_ms
        {
            self.fail(SyncError::TimeBudgetExceeded {
                organization: self.org.organization.clone(),
                budget_ms: self.config.retry.time_budget_ms,
            });
        }
        match std::mem::replace(&mut self.phase, Phase::Finished) {
            Phase::Terminal(output) => return *output,
            Phase::Finished => return Output::Wait { until_ms: None },
            phase => self.phase = phase,
        }
        self.ask_ahead();
        if self.in_flight.len() >= MAX_IN_FLIGHT {
            return Output::Wait { until_ms: None };
        }
        let paced = self.pacing.earliest(self.interval_now());
        // The first that may leave; of those that may leave now, the earliest page.
        let ready_at = |w: &Work| w.not_before_ms.max(paced).max(now_ms);
        let next = self.queue.iter().enumerate().min_by_key(|(_, w)| (ready_at(w), w.target)).map(|(i, _)| i);
        let Some(index) = next else {
            // Every request asked for is in flight (the planner never runs dry otherwise).
            return Output::Wait { until_ms: None };
        };
        let at = self.queue[index].not_before_ms.max(paced);
        if now_ms < at {
            return Output::Wait { until_ms: Some(at) };
        }
        let work = self.queue.swap_remove(index);
        self.pacing.sent(now_ms);
        let id = self.next_id;
        self.next_id += 1;
        self.stats.requests += 1;
        let request = HttpRequest {
            id,
            method: "GET".to_owned(),
            url: work.url.clone(),
            headers: vec![("Accept".to_owned(), "application/vnd.api+json".to_owned())],
        };
        self.in_flight.insert(id, work);
        Output::Request(request)
    }

    /// Queues the next request that may overlap those in flight: a page read ahead (the listing's
    /// size is known) or the next assessment result due. One at a time, so that what is queued is
    /// always what leaves at the next pacing slot.
    fn ask_ahead(&mut self) {
        if self.in_flight.len() + self.queue.len() >= MAX_IN_FLIGHT {
            return;
        }
        match self.phase {
            Phase::Listings => {
                // The current listing's next page when its size is known, else the first page of
                // a listing still to come (it waits for its turn to be folded in).
                let read = &self.reads[self.listing];
                let ahead = read.last_page.filter(|last| read.highest_asked < *last).map(|_| self.listing);
                let Some(listing) =
                    ahead.or_else(|| (self.listing..self.reads.len()).find(|&l| self.reads[l].highest_asked == 0))
                else {
                    return;
                };
                self.ask_page(listing, self.reads[listing].highest_asked + 1, None, 0);
            }
            Phase::Assessments => {
                let index = self.next_assessment;
                if let Some(workspace_id) = self.assessments_due.get(index) {
                    self.next_assessment += 1;
                    let url =
                        format!("{}/api/v2/workspaces/{workspace_id}/current-assessment-result", self.org.base_url);
                    self.queue.push(Work { target: Target::Assessment(index), url, attempt: 1, not_before_ms: 0 });
                }
            }
            _ => {}
        }
    }

    /// Hands the planner the outcome of a request it asked for, in any order. Answers after the
    /// sync ended, and to requests it no longer needs, are dropped.
    pub fn handle_input(&mut self, input: Input, now_ms: u64) {
        if matches!(self.phase, Phase::Finished | Phase::Terminal(_)) {
            return;
        }
        let id = match &input {
            Input::Response(HttpResponse { id, .. }) | Input::TransportError { id, .. } => *id,
        };
        if self.abandoned.remove(&id) {
            return;
        }
        let Some(work) = self.in_flight.remove(&id) else {
            return self.fail(SyncError::UnexpectedInput(format!("response to request {id}, which is not in flight")));
        };
        match input {
            Input::Response(resp) => self.on_response(work, resp, now_ms),
            Input::TransportError { message, .. } => self.retry_or_fail(work, now_ms, None, message),
        }
    }

    fn on_response(&mut self, work: Work, resp: HttpResponse, now_ms: u64) {
        match (work.target, resp.status) {
            // Any answer but 401 ends the probe; without the header the documented limit stands.
            (Target::Ping, status) if status != 401 => {
                let limit = header(&resp.headers, "x-ratelimit-limit").and_then(|v| v.trim().parse::<f64>().ok());
                if let Some(limit) = limit.filter(|l| l.is_finite() && *l >= 1.0) {
                    self.stats.min_interval_ms = interval_ms(limit);
                }
                self.phase = Phase::Listings;
                self.reads = self.listings().iter().map(|_| ListingRead::new()).collect();
                self.ask_page(0, 1, None, now_ms);
            }
            (Target::Assessment(index), 200 | 404) => self.on_assessment(index, &work.url, resp),
            (Target::Page { listing, page }, 200) => {
                self.on_page(listing, page, work.url, work.attempt, resp.body, now_ms)
            }
            (_, 401) => {
                self.fail(SyncError::Unauthorized { organization: self.org.organization.clone(), url: work.url })
            }
            (Target::Page { listing, .. }, 404) if self.listings()[listing].optional => {
                self.not_entitled(listing, now_ms)
            }
            (_, 404) => self.fail(SyncError::NotFound { organization: self.org.organization.clone(), url: work.url }),
            (_, 429) => {
                self.stats.rate_limited += 1;
                let reset_ms = header(&resp.headers, "x-ratelimit-reset")
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(|s| (s * 1000.0).ceil() as u64);
                self.pacing.hold(now_ms + reset_ms.unwrap_or(0));
                self.retry_or_fail(work, now_ms, reset_ms, "429 Too Many Requests".to_owned())
            }
            (_, status) if status >= 500 => self.retry_or_fail(work, now_ms, None, format!("HTTP {status}")),
            (_, status) => {
                let detail = serde_json::from_str::<serde_json::Value>(&resp.body)
                    .ok()
                    .and_then(|v| v.get("errors").map(jsonapi::describe_errors))
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default();
                self.fail(SyncError::UnexpectedStatus { status, url: work.url, detail })
            }
        }
    }

    /// A page arrived: folded in now when it is its turn, with any that arrived ahead of it.
    fn on_page(&mut self, listing: usize, page: u64, url: String, attempt: u32, body: String, now_ms: u64) {
        self.reads[listing].early.insert(page, (url, attempt, body));
        if listing == self.listing {
            self.fold_arrived(now_ms);
        }
    }

    /// Folds in the pages of the current listing that arrived, in order, as far as they go.
    fn fold_arrived(&mut self, now_ms: u64) {
        while matches!(self.phase, Phase::Listings) {
            let read = &mut self.reads[self.listing];
            let page = read.next_to_fold;
            let Some((url, attempt, body)) = read.early.remove(&page) else { break };
            self.fold_page(page, url, attempt, body, now_ms);
        }
    }

    /// A 404 for an optional listing: the organization is not entitled to it, so it is empty.
    fn not_entitled(&mut self, listing: usize, now_ms: u64) {
        self.reads[listing].not_entitled = true;
        if listing == self.listing {
            self.next_listing(now_ms);
        }
    }

    /// Folds page `page`, the next in order, into what was read, and decides what follows it.
    fn fold_page(&mut self, page: u64, url: String, attempt: u32, body: String, now_ms: u64) {
        let doc = match parse_document(&url, &body) {
            Ok(doc) => doc,
            // A 200 with a body that is not JSON is what a truncated transfer looks like: retry.
            Err(ParseError::NotJson { reason, .. }) => {
                let work =
                    Work { target: Target::Page { listing: self.listing, page }, url, attempt, not_before_ms: 0 };
                return self.retry_or_fail(work, now_ms, None, format!("unreadable body: {reason}"));
            }
            Err(e) => return self.fail(e.into()),
        };
        drop(body);
        self.stats.pages += 1;
        let next = match self.next_url(&doc) {
            Ok(_) if self.reached_refresh_window(&doc) => None,
            Ok(next) => next,
            Err(e) => return self.fail(e),
        };
        let total = doc.pagination.total_count;
        let first_total = *self.reads[self.listing].first_total.get_or_insert(total);
        if let Err(e) = self.collected.add(&url, &doc) {
            return self.fail(e.into());
        }
        self.reads[self.listing].ids.extend(doc.data.iter().map(|r| r.id.clone()));
        self.link_workspaces();
        if first_total != total {
            return self.restart_listing(now_ms, format!("its total went from {first_total:?} to {total:?}"));
        }
        let page_size = u64::from(self.config.page_size);
        let per_minute = self.listings()[self.listing].per_minute;
        let read = &mut self.reads[self.listing];
        read.next_to_fold = page + 1;
        if page == 1 && !per_minute {
            read.last_page = total.map(|t| t.div_ceil(page_size));
        }
        match next {
            None => self.finish_listing(total, now_ms),
            // Asked ahead already, as TFE's next page: it is in flight, queued or arrived.
            Some(_) if read.highest_asked > page && doc.pagination.next_page == Some(page + 1) => {}
            Some(url) => {
                if read.highest_asked > page {
                    // TFE goes on other than the read-ahead assumed: follow TFE, one page at a time.
                    self.abandon_pages(self.listing);
                    self.reads[self.listing].last_page = None;
                }
                self.ask_page(self.listing, page + 1, Some(url), now_ms);
            }
        }
    }

    /// A listing is consistent when every page reported the same `total-count` and it holds that
    /// many distinct objects. Otherwise objects moved between pages while we read them (TFE pages
    /// by offset): read it again.
    fn finish_listing(&mut self, total: Option<u64>, now_ms: u64) {
        let mut ids = std::mem::take(&mut self.reads[self.listing].ids);
        ids.sort_unstable();
        ids.dedup();
        let read = ids.len() as u64;
        if let Some(total) = total.filter(|t| *t != read) {
            return self.restart_listing(now_ms, format!("{read} read, {total} expected"));
        }
        self.next_listing(now_ms);
    }

    /// Moves on to the next listing, or ends the reading once the last one is complete.
    fn next_listing(&mut self, now_ms: u64) {
        self.abandon_pages(self.listing);
        self.listing += 1;
        if self.listings().get(self.listing).is_some_and(|l| l.path == "workspaces") {
            self.linker = Some(catalog::Linker::new(&self.collected, self.org.clone()));
        }
        if let Some(read) = self.reads.get(self.listing) {
            // Its first page may be asked for, or even arrived, already.
            if read.not_entitled {
                return self.next_listing(now_ms);
            }
            if read.highest_asked == 0 {
                self.ask_page(self.listing, 1, None, now_ms);
            }
            return self.fold_arrived(now_ms);
        }
        if self.config.refresh_since.is_some() {
            return self.finish_refresh();
        }
        self.phase = Phase::Assessments;
        self.finish_workspaces();
    }

    fn restart_listing(&mut self, now_ms: u64, why: String) {
        if self.stats.restarts >= MAX_RESTARTS {
            return self.fail(SyncError::ListingKeptChanging(why));
        }
        self.stats.restarts += 1;
        self.abandon_pages(self.listing);
        self.collected.forget(self.listings()[self.listing].path);
        if self.listings()[self.listing].path == "workspaces" {
            self.resources.clear();
            self.assessments_due.clear();
        }
        self.reads[self.listing] = ListingRead::new();
        self.ask_page(self.listing, 1, None, now_ms);
    }

    /// Queues page `page` of `listing`, at `url` or the one rebuilt from the page number.
    fn ask_page(&mut self, listing: usize, page: u64, url: Option<String>, not_before_ms: u64) {
        let read = &mut self.reads[listing];
        read.highest_asked = read.highest_asked.max(page);
        let url = url.unwrap_or_else(|| self.page_url(listing, page));
        self.queue.push(Work { target: Target::Page { listing, page }, url, attempt: 1, not_before_ms });
    }

    /// Drops every page of `listing` not yet folded in: queued, in flight (their answers will be
    /// dropped) or arrived early.
    fn abandon_pages(&mut self, listing: usize) {
        let of_listing = |w: &Work| matches!(w.target, Target::Page { listing: l, .. } if l == listing);
        self.queue.retain(|w| !of_listing(w));
        let pages: Vec<u64> = self.in_flight.iter().filter(|(_, w)| of_listing(w)).map(|(id, _)| *id).collect();
        for id in pages {
            self.in_flight.remove(&id);
            self.abandoned.insert(id);
        }
        self.reads[listing].early.clear();
    }

    /// Ends the sync with `snapshot`.
    pub(super) fn done(&mut self, snapshot: super::Snapshot) {
        self.phase = Phase::Terminal(Box::new(Output::Done(snapshot)));
    }

    /// Whether every assessment due was asked for and answered.
    pub(super) fn assessments_answered(&self) -> bool {
        matches!(self.phase, Phase::Assessments)
            && self.next_assessment == self.assessments_due.len()
            && self.assessments.len() == self.assessments_due.len()
    }

    /// A page of a listing.
    fn page_url(&self, listing: usize, page: u64) -> String {
        page_url(&self.org.base_url, &self.org.organization, self.listings()[listing], self.config.page_size, page)
    }

    fn next_url(&self, doc: &Document) -> Result<Option<String>, SyncError> {
        if let Some(link) = &doc.pagination.next_link {
            if same_origin(link, &self.org.base_url) {
                return Ok(Some(link.clone()));
            }
            if doc.pagination.next_page.is_none() {
                return Err(SyncError::ForeignLink(link.clone()));
            }
        }
        Ok(doc.pagination.next_page.map(|n| self.page_url(self.listing, n)))
    }

    fn retry_or_fail(&mut self, work: Work, now_ms: u64, after_ms: Option<u64>, last: String) {
        let policy = &self.config.retry;
        if work.attempt >= policy.max_attempts {
            return self.fail(SyncError::RetriesExhausted { url: work.url, attempts: work.attempt, last });
        }
        self.stats.retries += 1;
        let delay = after_ms.unwrap_or(0).max(policy.backoff_ms(work.attempt, &mut self.rng));
        self.queue.push(Work { attempt: work.attempt + 1, not_before_ms: now_ms + delay, ..work });
    }

    pub(super) fn fail(&mut self, cause: SyncError) {
        self.collected = catalog::Collected::default();
        self.resources.clear();
        self.queue.clear();
        self.in_flight.clear();
        self.reads.clear();
        let stats = self.stats.clone();
        self.phase = Phase::Terminal(Box::new(Output::Failed { error: cause.to_string(), stats, cause }));
    }
}
