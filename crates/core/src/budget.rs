//! One request budget per TFE token: when the next request made with a token may go.
//!
//! TFE limits requests per token (30 per second on HCP Terraform, advertised in
//! `X-RateLimit-Limit`). Every request the plugin makes with a token, a sync's pages as well as
//! on-demand reads (run summaries, plan logs), takes a slot from that token's budget, so the total
//! stays under the limit whatever users click. The rule:
//!
//! - slots are at least one interval apart, the interval being the limit at [`BudgetConfig::share`]
//!   (a margin for timers that fire late and for network jitter);
//! - syncs take the earliest free slot; on-demand reads take at most [`BudgetConfig::on_demand_share`]
//!   of the slots, so a burst of page views can slow a sync but never starve it;
//! - an on-demand read whose slot would be more than [`BudgetConfig::max_wait_ms`] away is refused
//!   ([`Decision::Busy`]) rather than queued without bound;
//! - a 429 pauses every request of the token until its `X-RateLimit-Reset`, and an on-demand read
//!   refused so is tried again once.
//!
//! Sans-IO like the rest of the core: the host keeps the [`BudgetState`], passes `now_ms`, sleeps
//! until the slot it is given, and reports each answer with [`observe`].

use serde::{Deserialize, Serialize};

/// TFE's documented limit, assumed until a response advertises another.
const DEFAULT_LIMIT_PER_SECOND: f64 = 30.0;

/// The share of a token's limit used at all, by the budget and by the sync planner's pacing alike:
/// a margin for timers that fire late and for network jitter. One number, so that a sync driven
/// through the budget (the plugin) is paced exactly as one driven alone (the CLI).
pub const RATE_LIMIT_SHARE: f64 = 0.97;

/// How a budget shares its token's limit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BudgetConfig {
    /// The share of the limit used at all.
    pub share: f64,
    /// The share of the used slots on-demand reads may take.
    pub on_demand_share: f64,
    /// Longest wait for an on-demand slot before it is refused.
    pub max_wait_ms: u64,
    /// Attempts of an on-demand read (a 429 is retried until this many).
    pub max_attempts: u32,
}

impl Default for BudgetConfig {
    fn default() -> Self {
        Self { share: RATE_LIMIT_SHARE, on_demand_share: 0.5, max_wait_ms: 10_000, max_attempts: 2 }
    }
}

/// The state of one token's budget, kept by the host between calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BudgetState {
    /// Reserved slots, ascending, not older than one interval.
    pub slots: Vec<u64>,
    /// The earliest an on-demand read may go.
    pub next_on_demand_ms: u64,
    /// No request before this (after a 429).
    pub paused_until_ms: u64,
    /// The limit the last response advertised.
    pub limit_per_second: Option<f64>,
}

/// Who asks for a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Class {
    /// A sync or refresh page.
    Sync,
    /// A read on behalf of a page view.
    OnDemand,
}

/// The answer to [`reserve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Decision {
    /// Send at `at_ms` (now or later); the slot is reserved.
    Go {
        /// When.
        #[serde(rename = "atMs")]
        at_ms: u64,
    },
    /// Too many on-demand reads are waiting: refuse this one (a 503 to the caller).
    Busy {
        /// When a new attempt may find a slot.
        #[serde(rename = "retryAtMs")]
        retry_at_ms: u64,
    },
}

/// What to do with an answer, from [`observe`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    /// Use the answer.
    Done,
    /// A 429 with attempts left: reserve a new slot and send again.
    Retry,
}

fn interval_ms(state: &BudgetState, config: &BudgetConfig) -> u64 {
    let limit = state.limit_per_second.filter(|l| l.is_finite() && *l >= 1.0).unwrap_or(DEFAULT_LIMIT_PER_SECOND);
    let share = if config.share.is_finite() && config.share > 0.0 { config.share.min(1.0) } else { RATE_LIMIT_SHARE };
    (1000.0 / (limit * share)).ceil() as u64
}

/// Reserves the next slot for `class`, or says [`Decision::Busy`].
pub fn reserve(state: &mut BudgetState, config: &BudgetConfig, now_ms: u64, class: Class) -> Decision {
    let interval = interval_ms(state, config);
    state.slots.retain(|&t| t + interval > now_ms);
    let mut at = now_ms.max(state.paused_until_ms);
    if class == Class::OnDemand {
        at = at.max(state.next_on_demand_ms);
    }
    // The earliest time at least one interval from every reserved slot (they are ascending).
    for &slot in &state.slots {
        if slot + interval <= at {
            continue;
        }
        if slot >= at + interval {
            break;
        }
        at = slot + interval;
    }
    if class == Class::OnDemand {
        if at > now_ms + config.max_wait_ms {
            return Decision::Busy { retry_at_ms: at - config.max_wait_ms };
        }
        let share = if config.on_demand_share.is_finite() && config.on_demand_share > 0.0 {
            config.on_demand_share.min(1.0)
        } else {
            0.5
        };
        state.next_on_demand_ms = at + (interval as f64 / share).ceil() as u64;
    }
    let index = state.slots.partition_point(|&t| t <= at);
    state.slots.insert(index, at);
    Decision::Go { at_ms: at }
}

/// Records an answer: its `X-RateLimit-Limit`, and on a 429 a pause until `X-RateLimit-Reset`
/// (seconds, fractional; one second when absent). `attempt` counts from 1.
pub fn observe(
    state: &mut BudgetState,
    config: &BudgetConfig,
    now_ms: u64,
    status: u16,
    headers: &[(String, String)],
    attempt: u32,
) -> Verdict {
    let header = |name: &str| crate::sync::header(headers, name).and_then(|v| v.trim().parse::<f64>().ok());
    if let Some(limit) = header("x-ratelimit-limit").filter(|l| l.is_finite() && *l >= 1.0) {
        state.limit_per_second = Some(limit);
    }
    if status != 429 {
        return Verdict::Done;
    }
    let reset_ms = header("x-ratelimit-reset").filter(|r| r.is_finite() && *r >= 0.0).map_or(1000, |r| {
        // Bounded: a hostile or broken header must not stop the token for hours.
        (r * 1000.0).ceil().min(60_000.0) as u64
    });
    state.paused_until_ms = state.paused_until_ms.max(now_ms + reset_ms);
    if attempt < config.max_attempts { Verdict::Retry } else { Verdict::Done }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn go(d: Decision) -> u64 {
        match d {
            Decision::Go { at_ms } => at_ms,
            Decision::Busy { .. } => panic!("busy"),
        }
    }

    /// The most requests in any one-second window, TFE's sliding window.
    fn max_per_second(times: &[u64]) -> usize {
        times.iter().map(|&t| times.iter().filter(|&&u| u >= t && u < t + 1000).count()).max().unwrap_or(0)
    }

    #[test]
    fn a_burst_stays_under_the_limit_and_syncs_keep_their_share() {
        let config = BudgetConfig { max_wait_ms: 60_000, ..BudgetConfig::default() };
        let mut state = BudgetState::default();
        let mut all = Vec::new();
        let mut on_demand = Vec::new();
        for _ in 0..200 {
            let t = go(reserve(&mut state, &config, 0, Class::OnDemand));
            on_demand.push(t);
            all.push(t);
        }
        // A sync arriving after the burst is not queued behind it.
        let mut sync = Vec::new();
        for _ in 0..20 {
            let t = go(reserve(&mut state, &config, 100, Class::Sync));
            sync.push(t);
            all.push(t);
        }
        all.sort_unstable();
        assert!(max_per_second(&all) < 30, "{}", max_per_second(&all));
        assert!(sync.iter().all(|&t| t < 2000), "syncs take the free slots: {sync:?}");
        // Half of the 29 slots a second that 97 % of 30 leaves, rounded up.
        assert!(max_per_second(&on_demand) <= 15, "on-demand reads take half: {}", max_per_second(&on_demand));
    }

    #[test]
    fn on_demand_reads_are_refused_rather_than_queued_without_bound() {
        let mut state = BudgetState::default();
        let config = BudgetConfig::default();
        let decisions: Vec<_> = (0..400).map(|_| reserve(&mut state, &config, 0, Class::OnDemand)).collect();
        let busy = decisions.iter().filter(|d| matches!(d, Decision::Busy { .. })).count();
        assert!(busy > 0 && busy < 400, "{busy}");
        assert!(decisions.iter().all(|d| !matches!(d, Decision::Go { at_ms } if *at_ms > 10_000)));
    }

    #[test]
    fn a_429_pauses_the_token_until_its_reset_and_is_retried_once() {
        let mut state = BudgetState::default();
        let config = BudgetConfig::default();
        let headers = vec![("X-RateLimit-Reset".to_owned(), "0.5".to_owned())];
        assert_eq!(observe(&mut state, &config, 1000, 429, &headers, 1), Verdict::Retry);
        assert!(go(reserve(&mut state, &config, 1000, Class::Sync)) >= 1500);
        assert_eq!(observe(&mut state, &config, 1000, 429, &headers, 2), Verdict::Done);
        let huge = vec![("x-ratelimit-reset".to_owned(), "1e12".to_owned())];
        observe(&mut state, &config, 0, 429, &huge, 1);
        assert!(state.paused_until_ms <= 60_000);
        let limit = vec![("X-RateLimit-Limit".to_owned(), "10".to_owned())];
        assert_eq!(observe(&mut state, &config, 0, 200, &limit, 1), Verdict::Done);
        assert_eq!(interval_ms(&state, &config), 104, "1 s / (97 % of 10)");
    }
}
