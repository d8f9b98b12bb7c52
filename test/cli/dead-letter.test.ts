import type { MessageProperties } from 'amqplib';
import { describeDeadLetter } from '../../src/cli/dlq/dead-letter';
import { deadLetterHeaders } from '../../src/transport/rabbitmq/failure-headers';

const props = (p: Partial<MessageProperties>) => p as MessageProperties;

test('reads back what the consumer writes on a dead letter (deadLetterHeaders)', () => {
  const own = props({ headers: { 'x-occurred-at': '2026-12-04T10:00:00.000Z', 'x-attempt': 2 } });
  const headers = deadLetterHeaders(own, {
    handlerId: 'mailer',
    attempts: 2,
    error: Object.assign(new Error('no such event'), { code: 'KEB_EVENT_DECODE' }),
    reason: 'unknown-event',
  });

  expect(describeDeadLetter(props({ messageId: 'e1', type: 'user.registered', headers }))).toEqual({
    eventId: 'e1',
    eventName: 'user.registered',
    handlerId: 'mailer',
    attempts: 2,
    errorCode: 'KEB_EVENT_DECODE',
    error: 'no such event',
    reason: 'unknown-event',
    occurredAt: '2026-12-04T10:00:00.000Z',
    deadLetteredAt: null,
  });
});

test('a dead letter of the broker (delivery limit: the worker crashed on it) shows its reason and time', () => {
  // amqplib reads a timestamp in a header table as { '!': 'timestamp', value: <seconds> }.
  const time = { '!': 'timestamp', value: Date.parse('2026-12-04T11:00:00.000Z') / 1000 };
  const letter = describeDeadLetter(
    props({
      messageId: 'e2',
      type: 'order.placed',
      timestamp: Date.parse('2026-12-04T10:59:00.000Z') / 1000,
      headers: {
        'x-attempt': 1,
        'x-first-death-reason': 'delivery_limit',
        'x-death': [{ reason: 'delivery_limit', queue: 'shop.charge', time, count: 1 }],
      } as unknown as MessageProperties['headers'],
    }),
  );

  expect(letter).toMatchObject({
    attempts: 1,
    error: null,
    errorCode: null,
    reason: 'delivery_limit',
    occurredAt: '2026-12-04T10:59:00.000Z',
    deadLetteredAt: '2026-12-04T11:00:00.000Z',
  });
});
