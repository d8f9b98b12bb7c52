import type { RetryPolicy } from '../handlers/handler-options';

/** Defaults applied to a partial retry policy. */

/**
 * Delay in ms before attempt `nextAttempt` (2 = the first retry).
 * fixed: backoffMs; exponential: backoffMs · 2^(nextAttempt-2); capped by
 * maxDelayMs; then jitter (full: uniform 0..d; fraction f: d·(1 ± f)).
 */
export function retryDelay(
  policy: Required<RetryPolicy>,
  nextAttempt: number,
  random: () => number = Math.random,
): number {
  const base =
    policy.strategy === 'fixed'
      ? policy.backoffMs
      : policy.backoffMs * 2 ** Math.max(0, nextAttempt - 2);
  const capped = Math.min(base, policy.maxDelayMs);
  if (policy.jitter === false || policy.jitter === 0 || capped === 0) return capped;
  if (policy.jitter === true) return Math.round(random() * capped);
  const spread = capped * policy.jitter;
  return Math.max(
    0,
    Math.min(policy.maxDelayMs, Math.round(capped - spread + random() * 2 * spread)),
  );
}
