// Provider values are checked against their tokens at compile time (issue 9, trap 5).
import { createApp, createEventBus } from 'koa-event-bus';

class Mailer {
  sent: string[] = [];
  async welcome(to: string): Promise<void> {
    this.sent.push(to);
  }
}
const DB = Symbol('db');

// Values that fit: an instance, a structural fake, anything for a symbol token, the object forms.
createEventBus({ providers: [[Mailer, new Mailer()]] });
createEventBus({ providers: [[Mailer, { sent: [], welcome: async () => {} }]] });
createEventBus({
  providers: [
    [DB, { query: () => [] }],
    { provide: Mailer, useValue: new Mailer() },
    { provide: Mailer, useFactory: () => new Mailer() },
    { provide: Mailer, useClass: Mailer },
  ],
});
createApp({ providers: [[Mailer, new Mailer()]], controllers: [] });
createEventBus();
createEventBus({ handlers: [] });

// @ts-expect-error 42 is not a Mailer
createEventBus({ providers: [[Mailer, 42]] });
// @ts-expect-error a string is not a Mailer
createEventBus({ providers: [{ provide: Mailer, useValue: 'smtp://localhost' }] });
// @ts-expect-error a partial fake is not a Mailer
createApp({ providers: [[Mailer, { sent: [] }]] });
