//! Retry and time-budget policy. Delays are decided here and slept by the host.

use serde::{Deserialize, Deserializer};

/// Bounded exponential backoff with jitter, and a time budget for a whole sync.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RetryPolicy {
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// Delay before the second attempt.
    pub base_delay_ms: u64,
    /// Upper bound of one delay.
    pub max_delay_ms: u64,
    /// Upper bound of a whole sync, from its first poll.
    pub time_budget_ms: u64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy { max_attempts: 6, base_delay_ms: 500, max_delay_ms: 30_000, time_budget_ms: 15 * 60 * 1000 }
    }
}

impl RetryPolicy {
    /// The delay after failed attempt `attempt` (1-based): `base × 2^(attempt-1)`, capped, with
    /// "equal jitter" (half fixed, half drawn from `rng`) so that replicas do not retry in step.
    pub fn backoff_ms(&self, attempt: u32, rng: &mut u64) -> u64 {
        let exp = self.base_delay_ms.saturating_mul(1u64 << attempt.saturating_sub(1).min(20)).min(self.max_delay_ms);
        let half = exp / 2;
        half + next_random(rng) % (half + 1)
    }
}

/// Hosts pass absent config blocks as `null` (JS `undefined`): treat them as the defaults.
pub(crate) fn null_is_default<'de, D: Deserializer<'de>>(d: D) -> Result<RetryPolicy, D::Error> {
    Ok(Option::<RetryPolicy>::deserialize(d)?.unwrap_or_default())
}

/// splitmix64: a tiny deterministic generator; the seed comes from the host.
fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_bounded_and_jittered() {
        let policy = RetryPolicy::default();
        let mut rng = 42;
        for attempt in 1..=30 {
            let exp = (500u64 << (attempt - 1).min(20)).min(30_000);
            let d = policy.backoff_ms(attempt, &mut rng);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempt}: {d} not in [{}, {exp}]", exp / 2);
        }
        let draws: Vec<u64> = (0..5).map(|_| policy.backoff_ms(5, &mut rng)).collect();
        assert!(draws.windows(2).any(|w| w[0] != w[1]), "jitter varies: {draws:?}");
    }
}
