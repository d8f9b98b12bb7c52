import 'reflect-metadata';
import { createUsersApp } from './app';
import { Mailer } from './mailer';

async function main(): Promise<void> {
  const mailer = new Mailer();
  mailer.failFirstAttempts = 1; // show a retry in the logs
  const app = createUsersApp({ providers: [[Mailer, mailer]], handleSignals: true });
  const port = Number(process.env.PORT ?? 3000);
  await app.listen(port);
  const url = `http://localhost:${app.port()}`;
  console.log(`koa-event-bus users example listening on ${url} (in-memory bus). Try:`);
  console.log(
    `  curl -s -X POST ${url}/users -H 'content-type: application/json' -d '{"email":"ada@example.com","name":"Ada"}'`,
  );
  console.log(`  curl -s ${url}/stats; curl -s ${url}/audit`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
