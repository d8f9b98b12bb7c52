// Side-effect entry for Jest's `setupFilesAfterEnv`:
//   setupFilesAfterEnv: ['koa-event-bus/testing/jest-setup']
// Registers the matchers with the global `expect`; importing this file from a
// setup file also brings their types in.
import { registerMatchers } from './jest';

registerMatchers();
