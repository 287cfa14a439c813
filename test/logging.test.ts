import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger, soapCallLogger } from '../server/logging.js';
import { shaped } from './support/json.js';

/** The log line of a SOAP call, and redaction as the second line of defence. */

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean))
        lines.push(shaped(z.record(z.string(), z.unknown()), JSON.parse(l)));
      done();
    },
  });
  return { logger: createLogger(level, stream), lines };
}

describe('logs', () => {
  it('writes a SOAP call as one JSON object: operation, customer, order, code, status, latency', () => {
    const { logger, lines } = capture('info');
    soapCallLogger(logger)({
      at: 0,
      operation: 'collect',
      customerUri: 'sandbox',
      orderNumber: 1234567,
      code: 1,
      httpStatus: 200,
      latencyMs: 1.2345,
    });
    soapCallLogger(logger)({ at: 0, fault: 'Unmarshalling Error: abc', httpStatus: 500, latencyMs: 0.5 });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'ccm-mock',
        msg: 'soap call',
        operation: 'collect',
        customer: 'sandbox',
        order: 1234567,
        code: 1,
        status: 200,
        latencyMs: 1.2,
      }),
      expect.objectContaining({ level: 'warn', msg: 'soap fault', fault: 'Unmarshalling Error: abc', status: 500 }),
    ]);
  });

  it('redacts passwords, secret keys and tokens wherever they are logged', () => {
    const { logger, lines } = capture('info');
    logger.info(
      {
        password: 'p1',
        authData: { login: 'admin', password: 'p2' },
        org: { secretKey: 's1' },
        adminToken: 't1',
        config: { adminToken: 't2' },
      },
      'x',
    );
    const text = JSON.stringify(lines);
    for (const secret of ['p1', 'p2', 's1', 't1', 't2']) expect(text).not.toContain(`"${secret}"`);
    expect(lines[0]).toMatchObject({ password: '[redacted]', authData: { login: 'admin', password: '[redacted]' } });
  });

  it('redacts them at any depth, in any case, in arrays, errors and child bindings, and leaves the rest alone', () => {
    const { logger, lines } = capture('info');
    const err = Object.assign(new Error('upstream refused'), { config: { headers: { Authorization: 'Bearer e1' } } });
    const deep: Record<string, unknown> = { password: 'd1' };
    let node = deep;
    for (let i = 0; i < 30; i++) node = { next: node };
    const circular: Record<string, unknown> = { name: 'loop', Token: 'c1' };
    circular.self = circular;
    const given = {
      a: { b: { c: { password: 'n1', kept: 'visible' } } },
      Authorization: 'Basic n2',
      list: [{ SecretKey: 'n3' }, 'plain'],
      when: new Date(0),
      bytes: Buffer.from('ok'),
    };
    logger.info(given, 'nested');
    logger.error({ err }, 'failed');
    logger.error(err);
    logger.child({ session: { adminToken: 'b1' } }).info({ node, circular }, 'child');
    logger
      .child({ run: 1 })
      .child({ inner: { PASSWORD: 'g1' } })
      .info('grandchild');

    const text = JSON.stringify(lines);
    for (const secret of ['n1', 'n2', 'n3', 'e1', 'b1', 'd1', 'c1', 'g1'])
      expect(text).not.toMatch(new RegExp(`\\b${secret}\\b`));
    expect(lines[0]).toMatchObject({
      a: { b: { c: { password: '[redacted]', kept: 'visible' } } },
      Authorization: '[redacted]',
      list: [{ SecretKey: '[redacted]' }, 'plain'],
      when: '1970-01-01T00:00:00.000Z',
    });
    expect(lines[1]).toMatchObject({
      level: 'error',
      msg: 'failed',
      err: {
        type: 'Error',
        message: 'upstream refused',
        config: { headers: { Authorization: '[redacted]' } },
      },
    });
    expect(shaped(z.object({ err: z.object({ stack: z.string() }) }), lines[1]).err.stack).toContain(
      'upstream refused',
    );
    expect(lines[2]).toMatchObject({
      msg: 'upstream refused',
      err: { type: 'Error', config: { headers: { Authorization: '[redacted]' } } },
    });
    expect(lines[3]).toMatchObject({
      session: { adminToken: '[redacted]' },
      circular: { name: 'loop', Token: '[redacted]' },
    });
    expect(lines[4]).toMatchObject({ run: 1, inner: { PASSWORD: '[redacted]' }, msg: 'grandchild' });
    // what was logged is not changed
    expect(given.a.b.c.password).toBe('n1');
    expect((err as unknown as { config: { headers: { Authorization: string } } }).config.headers.Authorization).toBe(
      'Bearer e1',
    );
  });

  it('honours the level: warn keeps faults and drops ordinary calls; silent drops everything', () => {
    const warn = capture('warn');
    soapCallLogger(warn.logger)({ at: 0, operation: 'enroll', code: 5, httpStatus: 200, latencyMs: 1 });
    soapCallLogger(warn.logger)({ at: 0, fault: 'bad', httpStatus: 500, latencyMs: 1 });
    expect(warn.lines.map((l) => l.msg)).toEqual(['soap fault']);
    const silent = capture('silent');
    soapCallLogger(silent.logger)({ at: 0, fault: 'bad', httpStatus: 500, latencyMs: 1 });
    expect(silent.lines).toEqual([]);
  });
});
