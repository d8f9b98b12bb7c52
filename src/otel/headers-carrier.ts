import type { TextMapGetter } from '@opentelemetry/api';

/** Reads a trace context from AMQP headers (a header may arrive as a Buffer). */
export const headersGetter: TextMapGetter<Readonly<Record<string, unknown>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    if (Buffer.isBuffer(value)) return value.toString('utf8');
    return undefined;
  },
};
