import { describe, expect, it } from 'vitest';
import { Conflict, Unavailable, asUnavailable } from './errors';

const withCode = (code: string | number, message = 'failed', extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code }, extra);

describe('asUnavailable: a dependency that is down is Unavailable (503), nothing else is', () => {
  it.each([
    ['a refused TCP connection (pg, ECONNREFUSED)', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', withCode('ECONNRESET')],
    ['PostgreSQL shutting down (57P01 admin_shutdown)', withCode('57P01', 'terminating connection due to administrator command')],
    ['PostgreSQL starting up (57P03 cannot_connect_now)', withCode('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', withCode('08006')],
    ['pg losing its socket', new Error('Connection terminated unexpectedly')],
    ['the knex pool timing out', Object.assign(new Error('Knex: Timeout acquiring a connection.'), { name: 'KnexTimeoutError' })],
    ['Temporal gRPC UNAVAILABLE (ServiceError → cause code 14)', Object.assign(new Error('Failed to start Workflow'), { name: 'ServiceError', cause: withCode(14, '14 UNAVAILABLE: No connection established', { details: 'x', metadata: {} }) })],
    ['Temporal ConnectionError', Object.assign(new Error('Failed to connect before the deadline'), { name: 'ConnectionError' })],
    ['a refused connection wrapped as the cause of another error', new Error('query failed', { cause: withCode('ECONNREFUSED') })],
  ])('%s', (_name, err) => {
    const mapped = asUnavailable(err);
    expect(mapped).toBeInstanceOf(Unavailable);
    expect(mapped!.kind).toBe('unavailable');
  });

  it.each([
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a unique violation', withCode('23505', 'duplicate key value')],
    ['invalid text', withCode('22021')],
    ['a gRPC NOT_FOUND', withCode(5, '5 NOT_FOUND', { details: 'x', metadata: {} })],
    ['a domain conflict', new Conflict('exists')],
    ['a non-error', 'boom'],
  ])('not %s', (_name, err) => {
    expect(asUnavailable(err)).toBeNull();
  });

  it('walks a cause chain that loops back on itself without hanging', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = a;
    expect(asUnavailable(a)).toBeNull();
  });
});
