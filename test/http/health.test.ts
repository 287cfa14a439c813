import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';

/** /healthz and /readyz of an in-process mock. */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer();
});
afterAll(() => mock.close());

const get = async (path: string) => {
  const res = await fetch(mock.url + path);
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    cache: res.headers.get('cache-control'),
    body: await res.json(),
  };
};

describe('health endpoints', () => {
  it('/healthz answers 200 while the process serves; /readyz 200 with each check once the CA, WSDL and store are there', async () => {
    expect(await get('/healthz')).toEqual({
      status: 200,
      type: 'application/json; charset=utf-8',
      cache: 'no-store',
      body: { status: 'ok' },
    });
    expect(await get('/readyz')).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { ca: 'ok', wsdl: 'ok', store: 'ok' } },
    });
  });

  it('/readyz answers 503 naming the failing check, and 503 "stopping" once a stop began; /healthz stays 200', async () => {
    mock.readiness.add('broken', () => {
      throw new Error('the disk is on fire');
    });
    expect(await get('/readyz')).toMatchObject({
      status: 503,
      body: { status: 'not ready', checks: { ca: 'ok', broken: 'the disk is on fire' } },
    });
    mock.readiness.add('broken', () => {});
    mock.readiness.stopping = true;
    expect(await get('/readyz')).toMatchObject({ status: 503, body: { status: 'stopping' } });
    expect((await get('/healthz')).status).toBe(200);
    mock.readiness.stopping = false;
  });
});
