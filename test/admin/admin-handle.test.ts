import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminError } from '../../server/admin/admin.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { readCsr } from '../support/fixtures.js';
import { call, enrollXml, orderXml } from '../support/soap.js';

/** createMockServer()'s `admin` handle: the admin API's powers for TypeScript tests, without HTTP. */

let mock: MockServer;
beforeAll(async () => {
  mock = await createMockServer({ seed: 'handle' });
});
afterAll(() => mock.close());

const enroll = async (email: string) =>
  (await call(mock.endpoint, 'enroll', enrollXml({ email, csr: readCsr() }))).code;
const status = async (n: number) => (await call(mock.endpoint, 'getCollectStatus', orderXml(n))).code;

describe('the in-process admin handle', () => {
  it('drives an order through approve and revoke, with the clock', async () => {
    const n = await enroll('handle+delay1h@example.com');
    expect(mock.admin.order(n).state).toBe('processing');
    expect(mock.admin.approve(n).state).toBe('issued');
    expect(await status(n)).toBe(1);
    expect(mock.admin.revoke(n, 'superseded').revocation).toMatchObject({ reasonCode: 4, by: 'admin' });
    expect(await status(n)).toBe(-21);
    const m = await enroll('handle2+delay1h@example.com');
    mock.admin.advanceClock(3_600_000);
    expect(mock.admin.orders({ email: 'handle2+delay1h@example.com' })[0].state).toBe('issued');
    expect(m).not.toBe(n);
  });

  it('throws AdminError with the HTTP status the API would answer', () => {
    const attempt = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof AdminError ? err.status : err;
      }
      return 'no error';
    };
    expect(attempt(() => mock.admin.approve(1))).toBe(404);
    expect(attempt(() => mock.admin.queueFault({ customer: 'sandbox' }))).toBe(400);
    expect(attempt(() => mock.admin.advanceClock('soon'))).toBe(400);
  });

  it('queues faults and resets', async () => {
    const n = await enroll('handle3@example.com');
    mock.admin.queueFault({ customer: 'sandbox', operation: 'getCollectStatus', code: -14 });
    expect(mock.admin.faults('sandbox')).toHaveLength(1);
    expect(await status(n)).toBe(-14);
    expect(mock.admin.faults()).toEqual([]);
    expect(mock.admin.journal({ operation: 'getCollectStatus', limit: 1 })[0].code).toBe(-14);
    mock.admin.updateOrganization(1001, { suspended: true });
    expect(await status(n)).toBe(-101);
    mock.admin.reset();
    expect(mock.admin.orders()).toEqual([]);
    expect(mock.admin.organizations().find((o) => o.orgId === 1001)!.suspended).toBe(false);
    expect(mock.seed).toBe('handle');
  });
});
