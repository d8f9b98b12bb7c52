/**
 * Options of `bus.emit`.
 *
 * @example
 * ```ts
 * bus.emit(new LoginAttempted(email), { when: 'always' }); // dispatched even if the request fails
 * ```
 */
export interface EmitOptions {
  /**
   * `'success'` (default): inside a scope, dispatched only if the scope
   * commits. `'always'`: dispatched when the scope ends, whether it commits or
   * is discarded (audit trails, failed-login counters).
   */
  when?: 'success' | 'always';
}
