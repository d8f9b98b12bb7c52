import { InMemoryTransport } from 'koa-event-bus';
import { runTransportContract } from './contract';

runTransportContract('in-memory', () => new InMemoryTransport());
