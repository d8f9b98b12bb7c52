import { ManualClock } from 'koa-event-bus/testing';

describe('ManualClock', () => {
  test('advance fires due timers in time order, same-instant timers in the order they were set', async () => {
    const clock = new ManualClock(1_000);
    const calls: string[] = [];
    clock.setTimeout(() => calls.push('b@300'), 300);
    clock.setTimeout(() => calls.push('a@100'), 100);
    clock.setTimeout(() => calls.push('c@100'), 100);
    clock.setTimeout(() => calls.push('late'), 301);

    await clock.advance(300);

    expect(calls).toEqual(['a@100', 'c@100', 'b@300']);
    expect(clock.now()).toBe(1_300);
    expect(clock.pendingTimers).toBe(1);
    expect(clock.nextTimerAt()).toBe(1_301);
  });

  test('timers set by promise continuations of a fired timer fire within the same advance', async () => {
    const clock = new ManualClock();
    const calls: number[] = [];
    const sleep = (ms: number) => new Promise<void>((r) => clock.setTimeout(r, ms));
    const task = (async () => {
      await sleep(10);
      calls.push(clock.now());
      await sleep(20);
      calls.push(clock.now());
    })();

    await clock.advance(30);
    await task;

    expect(calls).toEqual([10, 30]);
  });

  test('clearTimeout forgets a timer; runNext reports whether one fired', async () => {
    const clock = new ManualClock();
    const fired: string[] = [];
    const h = clock.setTimeout(() => fired.push('cleared'), 5);
    clock.setTimeout(() => fired.push('kept'), 10);
    clock.clearTimeout(h);

    expect(await clock.runNext()).toBe(true);
    expect(await clock.runNext()).toBe(false);
    expect(fired).toEqual(['kept']);
    expect(clock.now()).toBe(10);
  });

  test('runAll fires everything, including timers set along the way', async () => {
    const clock = new ManualClock(new Date('2025-01-01T00:00:00Z'));
    let ticks = 0;
    const tick = () => {
      ticks++;
      if (ticks < 5) clock.setTimeout(tick, 1_000);
    };
    clock.setTimeout(tick, 1_000);

    await clock.runAll();

    expect(ticks).toBe(5);
    expect(new Date(clock.now()).toISOString()).toBe('2025-01-01T00:00:05.000Z');
  });

  test('runAll gives up on a timer that re-arms itself forever', async () => {
    const clock = new ManualClock();
    const loop = () => clock.setTimeout(loop, 1);
    loop();

    await expect(clock.runAll({ maxTimers: 50 })).rejects.toMatchObject({
      code: 'KEB_TESTING_KIT',
      message: expect.stringContaining('fired 50 timers'),
    });
  });

  test('runUntil moves time only while the promise is pending, and leaves later timers alone', async () => {
    const clock = new ManualClock();
    const unrelated = jest.fn();
    clock.setTimeout(unrelated, 5_000);
    const waited = new Promise<string>((resolve) => clock.setTimeout(() => resolve('done'), 200));

    await expect(clock.runUntil(waited)).resolves.toBe('done');

    expect(clock.now()).toBe(200);
    expect(unrelated).not.toHaveBeenCalled();
  });

  test('runUntil waits for a timer that is set later, without moving time meanwhile', async () => {
    const clock = new ManualClock();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const work = (async () => {
      await gate;
      await new Promise<void>((r) => clock.setTimeout(r, 50));
      return clock.now();
    })();
    const running = clock.runUntil(work);

    release();

    await expect(running).resolves.toBe(50);
  });

  test('keeps working while Jest fake timers are installed', async () => {
    jest.useFakeTimers();
    try {
      const clock = new ManualClock();
      const fired = jest.fn();
      clock.setTimeout(fired, 100);
      await clock.advance(100);
      expect(fired).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
