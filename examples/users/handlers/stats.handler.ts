import { EventHandler, OnEvent } from 'koa-event-bus';
import { UserRegistered, WelcomeEmailSent } from '../events';
import { Stats } from '../stats';

/** Keeps the counters of `GET /stats`. */
@EventHandler()
export class StatsCounter {
  constructor(private readonly stats: Stats) {}

  @OnEvent(UserRegistered)
  registered(): void {
    this.stats.registered++;
  }

  @OnEvent(WelcomeEmailSent)
  welcomed(): void {
    this.stats.welcomeEmailsSent++;
  }
}
