//! Pacing: when the next request may leave. A token bucket of burst 1 at 97 % of TFE's limit (TFE
//! counts per sliding second, so a burst would have to be paid back inside the same second), and
//! after a 429 a hold on every request until TFE's `X-RateLimit-Reset`.

/// TFE's documented limit, assumed until the ping says otherwise.
pub(super) const DEFAULT_RATE_LIMIT: f64 = 30.0;
/// The share of the limit the planner uses: the budget's, one number for both.
use crate::budget::RATE_LIMIT_SHARE;
/// TFE's limit on run lists, per minute.
pub(super) const RUN_LIST_LIMIT_PER_MINUTE: f64 = 30.0;

/// Milliseconds between requests for a limit of `per_second`.
pub(super) fn interval_ms(per_second: f64) -> u64 {
    (1000.0 / (per_second * RATE_LIMIT_SHARE)).ceil() as u64
}

/// The least time between two run-list requests of one token, at the planner's share of TFE's
/// per-minute limit: what on-demand run-list reads (history back-fill) are paced by.
pub fn run_list_interval_ms() -> u64 {
    interval_ms(RUN_LIST_LIMIT_PER_MINUTE / 60.0)
}

/// When requests may leave. Pacing counts requests as they are handed out, not as they are
/// answered: a slow answer does not delay the next request, which is what lets pages overlap.
#[derive(Debug, Default)]
pub(super) struct Pacing {
    /// When the last request was handed out.
    last_request_ms: Option<u64>,
    /// After a 429: nothing leaves before TFE's reset.
    hold_until_ms: u64,
}

impl Pacing {
    /// The earliest time the next request may leave, `interval_ms` after the last one.
    pub(super) fn earliest(&self, interval_ms: u64) -> u64 {
        self.last_request_ms.map_or(0, |t| t + interval_ms).max(self.hold_until_ms)
    }

    /// A request left at `now_ms`.
    pub(super) fn sent(&mut self, now_ms: u64) {
        self.last_request_ms = Some(now_ms);
    }

    /// TFE said 429: hold every request until `until_ms`.
    pub(super) fn hold(&mut self, until_ms: u64) {
        self.hold_until_ms = self.hold_until_ms.max(until_ms);
    }
}
