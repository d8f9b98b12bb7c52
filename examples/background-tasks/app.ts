import * as os from 'node:os';
import * as path from 'node:path';
import { type AppOptions, createApp } from 'koa-event-bus';
import { BackgroundController } from './background.controller';
import { BackgroundTasks } from './background.handlers';
import { ActionLogFile } from './services';

/** The background-tasks app. `logPath` is where `/log-action/` appends (default: a file in the OS temp dir). */
export function createBackgroundTasksApp(options: AppOptions & { logPath?: string } = {}) {
  const {
    logPath = path.join(os.tmpdir(), 'koa-event-bus-actions.log'),
    providers = [],
    ...rest
  } = options;
  return createApp({
    controllers: [BackgroundController],
    handlers: [BackgroundTasks],
    providers: [[ActionLogFile, new ActionLogFile(logPath)], ...providers],
    ...rest,
  });
}
