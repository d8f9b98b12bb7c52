/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/examples'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  moduleNameMapper: {
    '^koa-event-bus$': '<rootDir>/src/index.ts',
    '^koa-event-bus/testing$': '<rootDir>/src/testing/index.ts',
    '^koa-event-bus/testing/jest-setup$': '<rootDir>/src/testing/jest-setup.ts',
    '^koa-event-bus/rabbitmq$': '<rootDir>/src/transport/rabbitmq/index.ts',
    '^koa-event-bus/otel$': '<rootDir>/src/otel/index.ts',
  },
  setupFiles: ['reflect-metadata'],
  // Users write 'koa-event-bus/testing/jest-setup'; here it is the source file
  // (Jest resolves setup files without moduleNameMapper).
  setupFilesAfterEnv: ['<rootDir>/src/testing/jest-setup.ts'],
  testTimeout: 10000,
};
