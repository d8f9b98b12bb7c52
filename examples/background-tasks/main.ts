import 'reflect-metadata';
import * as path from 'node:path';
import { createBackgroundTasksApp } from './app';

// `npm run example:background-tasks`. ACTIONS_LOG moves the log (default: ./actions.log).
async function main(): Promise<void> {
  const actionsLogPath = path.resolve(process.env.ACTIONS_LOG ?? 'actions.log');
  const app = createBackgroundTasksApp({ actionsLogPath, handleSignals: true });
  await app.listen(Number(process.env.PORT ?? 3000));
  const url = `http://localhost:${app.port()}`;
  console.log(`background-tasks example listening on ${url}`);
  console.log(`/log-action/ appends to ${actionsLogPath} (set ACTIONS_LOG to move it). Try:`);
  console.log(
    `  curl -s -X POST ${url}/items/ -H 'content-type: application/json' -d '{"name":"Widget","price":9.99}'`,
  );
  console.log(`  curl -s -X POST ${url}/send-email/`);
  console.log(`  curl -s -X POST '${url}/log-action/?action=login'`);
  console.log(
    `  curl -s -X POST ${url}/process-data/ -H 'content-type: application/json' -d '{"event":"signup"}'`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
