import { printLogger } from './print-logger';

describe('printLogger', () => {
  test("a handler's message-only info line is printed alone, like print()", () => {
    const write = jest.spyOn(process.stdout, 'write').mockReturnValue(true);
    const info = jest.spyOn(console, 'info').mockReturnValue();
    try {
      printLogger.info({ handlerId: 'BackgroundTasks.sendEmail', attempt: 1 }, 'Sending...');
      printLogger.info({ drained: true }, 'closed');
      expect(write.mock.calls).toEqual([['Sending...\n']]);
      expect(info).toHaveBeenCalledTimes(1); // consoleLogger's line, fields included
      expect(info.mock.calls[0]?.[0]).toBe('[koa-event-bus] closed');
    } finally {
      write.mockRestore();
      info.mockRestore();
    }
  });
});
