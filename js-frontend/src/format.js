// Presentation helpers: words people read on the card.

const UNITS = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "3 minutes ago" for an ISO-8601 time, relative to `now` (ms). */
export function age(iso, now = Date.now()) {
  const at = Date.parse(iso ?? '');
  if (Number.isNaN(at)) return undefined;
  const seconds = Math.round((at - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') return rtf.format(Math.trunc(seconds / size), unit);
  }
  return undefined;
}

/** "2m 05s" for milliseconds. */
export function duration(ms) {
  if (ms === null || ms === undefined || ms < 0) return undefined;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The words for a status bucket, as the card's legend shows them. */
export const BUCKET_LABELS = {
  success: 'Succeeded',
  failure: 'Failed',
  canceled: 'Canceled',
  'needs-attention': 'Needs attention',
  'in-progress': 'In progress',
  unknown: 'Unknown status',
};

/** "applied" → "Applied", "planned_and_finished" → "Planned and finished". */
export function statusText(status) {
  const words = String(status ?? 'unknown').replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
