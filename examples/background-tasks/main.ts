import 'reflect-metadata';
import { createBackgroundTasksApp } from './app';

async function main(): Promise<void> {
  const app = createBackgroundTasksApp({ handleSignals: true });
  await app.listen(Number(process.env.PORT ?? 3000));
  const url = `http://localhost:${app.port()}`;
  console.log(`background-tasks example listening on ${url}. Try:`);
  console.log(`  curl -s -X POST '${url}/log-action/?action=signup'`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
