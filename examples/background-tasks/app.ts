import * as path from 'node:path';
import { type AppOptions, createApp } from 'koa-event-bus';
import { BackgroundController } from './background.controller';
import { BackgroundTasks } from './background.handlers';
import { printLogger } from './print-logger';
import { ActionLogFile } from './services';

/** `createApp` options, plus where `/log-action/` appends. */
export interface BackgroundTasksAppOptions extends AppOptions {
  /** Default: `actions.log` in the working directory, as the seed. */
  actionsLogPath?: string;
}

/** The seed's app. Handlers print through the logger (default: `printLogger`, like `print`). */
export function createBackgroundTasksApp(options: BackgroundTasksAppOptions = {}) {
  const {
    actionsLogPath = path.resolve('actions.log'),
    logger = printLogger,
    providers = [],
    ...rest
  } = options;
  return createApp({
    controllers: [BackgroundController],
    handlers: [BackgroundTasks],
    providers: [[ActionLogFile, new ActionLogFile(actionsLogPath)], ...providers],
    logger,
    ...rest,
  });
}
