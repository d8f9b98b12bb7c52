import type { Clock } from '../kernel/clock';
import type { EventEnvelope } from '../kernel/event-envelope';
import type { GuardedInstrumentation } from '../kernel/guarded-instrumentation';
import type { BusHooks, DeadLetter, DiscardReason, RetryDecision } from '../kernel/hooks';
import type { Logger } from '../kernel/logger';
import type { RunningInvocations } from './running-invocations';

/** The scope that collects one handler attempt's follow-ups (an `EventScope` of the bus). */
export interface FollowUpScope {
  add(event: object): EventEnvelope;
  commit(): readonly EventEnvelope[];
  discard(reason: DiscardReason): readonly EventEnvelope[];
}

/**
 * What the dispatch stage needs from the object that owns an event's life
 * (`EventPipeline` in bus/, which implements this): its configuration, the
 * pending-work transitions dispatch causes, and the scopes of handler attempts.
 * Declared here, implemented above, so dispatch never imports bus.
 */
export interface DispatchHost {
  readonly logger: Logger;
  readonly hooks: BusHooks;
  /** Tracing and metrics, when configured (else nothing is called for them). */
  readonly instrumentation: GuardedInstrumentation | undefined;
  readonly clock: Clock;
  readonly random: () => number;
  /** The bus's `shouldRetry` veto, if any. */
  readonly shouldRetry: ((info: RetryDecision) => boolean) | undefined;
  /** Durations are measured (else reported as 0, and no clock is read for them). */
  readonly timed: boolean;
  /** True once `close()` gave up waiting: no more retries. */
  readonly stopping: boolean;
  /** A queued event leaves the queue and starts (queued → dispatching). */
  started(): void;
  /** An event's dispatch has ended, every handler settled (dispatching → done). */
  settled(): void;
  /** Attempts whose handler returned a promise that has not settled (named and aborted by `close()`). */
  readonly running: RunningInvocations;
  /** Waits before a retry (counted as `retrying`); resolves false if `close()` cancelled it. */
  sleep(ms: number, envelope: EventEnvelope, handlerId: string): Promise<boolean>;
  /** Opens the scope that collects one attempt's follow-ups (caused by `envelope`). */
  followUps(envelope: EventEnvelope, handlerId: string): FollowUpScope;
  /** Calls `fn(a, b)` with `source` as the current scope, so any emit inside is a follow-up. */
  runIn<A, B, T>(source: { scope(): FollowUpScope }, fn: (a: A, b: B) => T, a: A, b: B): T;
  /** Keeps a dead letter for inspection (`bus.deadLetters`). */
  deadLetter(letter: DeadLetter): void;
  /** Logs and counts a fault of the bus itself (never of a handler: those are outcomes). */
  fault(err: unknown, envelope: EventEnvelope | undefined): void;
}
