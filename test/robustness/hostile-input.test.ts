import { closeSync, constants, openSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { fileTrap } from '../support/file-trap.js';
import { rawPost, streamPost } from '../support/http.js';
import { readCsr } from '../support/fixtures.js';
import { call, envelope, enrollXml, orderXml } from '../support/soap.js';
import { checkAnswer } from './check.js';
import { hostileCases } from './hostile-corpus.js';

/**
 * Bad input never hurts the server (issue 8, item 1): every hostile request gets a clear SOAP 1.1 fault
 * or the catalog's code, no file is read on a request's say-so, oversized bodies are refused before they
 * are read whole, and the server keeps serving. hostile-process.test.ts replays the corpus against a
 * separate `ccm-mock serve` process.
 */

const trap = fileTrap();
const cases = hostileCases(trap);
const XML = { 'content-type': 'text/xml; charset=utf-8' };
const MB = 1024 * 1024;

let mock: MockServer;
let strict: MockServer;
beforeAll(async () => {
  mock = await createMockServer();
  strict = await createMockServer({ strict: true, ca: mock.ca });
});
afterAll(async () => {
  await trap.close();
  await mock.close();
  await strict.close();
});

describe.each([...new Set(cases.map((c) => c.group))])('%s', (group) => {
  it.each(cases.filter((c) => c.group === group).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    checkAnswer(await rawPost(mock.endpoint, c.body, c.headers ?? XML), c.expect, trap.secret);
  });
});

describe('files named by a request are never opened', () => {
  it('not in strict mode either, where the schema validator meets xsi:schemaLocation', async () => {
    const located = envelope('getWebServiceInfo').replace(
      '<ns0:getWebServiceInfo ',
      `<ns0:getWebServiceInfo xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://ws.epki.comodo.com/ file://${trap.trapFile}" `,
    );
    checkAnswer(await rawPost(strict.endpoint, located), { ok: true }, trap.secret);
    const noNamespace = envelope('getWebServiceInfo').replace(
      '<ns0:getWebServiceInfo ',
      `<ns0:getWebServiceInfo xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="file://${trap.trapFile}" `,
    );
    checkAnswer(await rawPost(strict.endpoint, noNamespace), { ok: true }, trap.secret);
  });

  it('an XInclude in the username does not reach the certificate', async () => {
    const inner = enrollXml({ csr: readCsr(), email: 'xi@example.com', username: 'Plain Name' }).replace(
      '<username>Plain Name</username>',
      `<username>Plain <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://${trap.secretFile}" parse="text"/>Name</username>`,
    );
    const order = await call(mock.endpoint, 'enroll', inner);
    expect(order.code).toBeGreaterThan(0);
    const collected = await call(mock.endpoint, 'collect', orderXml(order.code));
    expect(Buffer.from(collected.fields.certificate, 'base64').toString('latin1')).not.toContain(trap.secret);
    // JAXB reads a simple element's text after its last child element (the include is just an unknown element)
    expect(mock.store.get(order.code)?.username).toBe('Name');
  });

  it('the trap was never opened by anything the requests named', () => {
    expect(trap.sprung()).toBe(false);
  });

  it('(the trap does spring when its path is opened for reading)', async () => {
    const control = fileTrap();
    const fd = openSync(control.trapFile, constants.O_RDONLY | constants.O_NONBLOCK);
    await vi.waitFor(() => expect(control.sprung()).toBe(true));
    closeSync(fd);
    expect(await control.close()).toBe(true);
  });
});

describe('bodies over the limit are refused early, and never kept', () => {
  it('50 MB with a Content-Length: 413 before the body is read', async () => {
    const answer = await streamPost(mock.endpoint, 50 * MB, { declare: true });
    checkAnswer(answer, { fault: 'Client', status: 413 }, trap.secret);
    expect(answer.faultstring).toContain('limit is 1048576 bytes');
    expect(answer.finishedSending).toBe(false);
  });

  it('50 MB chunked: 413 once the limit is passed, while the client is still sending', async () => {
    const answer = await streamPost(mock.endpoint, 50 * MB);
    checkAnswer(answer, { fault: 'Client', status: 413 }, trap.secret);
    expect(answer.finishedSending).toBe(false);
    expect(answer.bytesSent).toBeLessThan(50 * MB);
  });

  it('a chunked body that never ends: 413, not a wait for its end', async () => {
    const answer = await streamPost(mock.endpoint, Infinity);
    checkAnswer(answer, { fault: 'Client', status: 413 }, trap.secret);
  });

  it('a client that writes its whole body before it reads still gets the 413, and can use the connection again', async () => {
    const body = Buffer.alloc(3 * MB, ' ');
    const first = await rawPost(mock.endpoint, body);
    checkAnswer(first, { fault: 'Client', status: 413 }, trap.secret);
    checkAnswer(await rawPost(mock.endpoint, envelope('getWebServiceInfo')), { ok: true }, trap.secret);
  });

  it('a gzip bomb: the limit applies to the inflated bytes', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * MB, ' ')); // ~64 kB on the wire
    const answer = await rawPost(mock.endpoint, bomb, { ...XML, 'content-encoding': 'gzip' });
    checkAnswer(answer, { fault: 'Client', status: 413 }, trap.secret);
  });

  it('a gzip-compressed request within the limit is answered; a corrupt one is a 400 fault', async () => {
    checkAnswer(
      await rawPost(mock.endpoint, gzipSync(envelope('getWebServiceInfo')), { ...XML, 'content-encoding': 'gzip' }),
      { ok: true },
      trap.secret,
    );
    checkAnswer(
      await rawPost(mock.endpoint, Buffer.from('not gzip at all'), { ...XML, 'content-encoding': 'gzip' }),
      { fault: 'Client', status: 400 },
      trap.secret,
    );
  });

  it('a body shorter than its Content-Length, then the client goes away: nothing breaks', async () => {
    const { request } = await import('node:http');
    const u = new URL(mock.endpoint);
    await new Promise<void>((resolve) => {
      const req = request({
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        headers: { ...XML, 'content-length': '100000' },
      });
      req.on('error', () => resolve());
      req.write('<s:Envelope');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 50);
    });
    checkAnswer(await rawPost(mock.endpoint, envelope('getWebServiceInfo')), { ok: true }, trap.secret);
  });
});

describe('after all of it', () => {
  it('keeps serving every operation', async () => {
    expect((await call(mock.endpoint, 'getWebServiceInfo')).status).toBe(200);
    const order = await call(mock.endpoint, 'enroll', enrollXml({ csr: readCsr(), email: 'after@example.com' }));
    expect(order.code).toBeGreaterThan(0);
    expect((await call(mock.endpoint, 'collect', orderXml(order.code))).code).toBe(1);
  });
});
