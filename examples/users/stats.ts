import { Injectable } from 'koa-event-bus';

/** Counters the stats handler keeps and `GET /stats` reports. */
@Injectable()
export class Stats {
  registered = 0;
  welcomeEmailsSent = 0;
}
