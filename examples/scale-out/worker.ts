import 'reflect-metadata';
import { startWorker } from 'koa-event-bus';
import { rabbitmqTransport } from 'koa-event-bus/rabbitmq';
import { AuditLog } from '../users/audit-log';
import { AuditTrail } from '../users/handlers/audit.handler';
import { SendWelcomeEmail } from '../users/handlers/send-welcome-email.handler';
import { StatsCounter } from '../users/handlers/stats.handler';

/** The users example's audit log, printed, so the terminal shows which worker ran what. */
class PrintedAuditLog extends AuditLog {
  override append(line: string): void {
    super.append(line);
    console.log(`worker ${process.pid} audit: ${line}`);
  }
}

// A worker process: the same handler classes as examples/users, fed by the
// broker. Run as many as you like; each event reaches each handler once.
async function main(): Promise<void> {
  await startWorker({
    handlers: [SendWelcomeEmail, AuditTrail, StatsCounter],
    providers: [[AuditLog, new PrintedAuditLog()]],
    transport: rabbitmqTransport({
      app: process.env.APP ?? 'users',
      consume: true,
      ...(process.env.RABBITMQ_URL ? { url: process.env.RABBITMQ_URL } : {}),
    }),
  });
  console.log(`worker ${process.pid} consuming`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
