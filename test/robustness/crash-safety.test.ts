import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../wsdl/paths.js';
import { startProcess, type Started } from '../../bench/lib/processes.js';
import { readCsr } from '../support/fixtures.js';
import { call, enrollXml, orderXml } from '../support/soap.js';

/**
 * Crash safety (issue 8, item 3): `ccm-mock serve --data-dir` killed with SIGKILL in the middle of sustained
 * enroll load, three times over; after each restart every order a client was answered a number for is
 * there, with its certificate once issued, and no number is handed out twice.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'ccm-mock-crash-'));
const running: Started[] = [];
afterAll(async () => {
  for (const p of running) await p.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function serve(): Promise<Started> {
  const p = await startProcess(
    process.execPath,
    [
      '--import',
      'tsx',
      join(packageRoot, 'server', 'cli.ts'),
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--delay',
      '0',
      '--data-dir',
      dataDir,
      '--log-level',
      'info',
    ],
    /endpoint\s+(http\S+)/,
    { cwd: packageRoot },
  );
  running.push(p);
  return p;
}

interface Acknowledged {
  orderNumber: number;
  email: string;
}

/**
 * `workers` clients enrolling back to back until the process dies under them; returns what they were
 * answered. A request cut off by the kill is not an acknowledgement. The kill comes with the
 * `killAfterAcks`th answer, not after a fixed time (a loaded machine may answer nothing in any given
 * window), while the other workers' enrolls are still in flight.
 */
async function enrollUntilKilled(
  p: Started,
  workers: number,
  killAfterAcks: number,
  round: number,
): Promise<Acknowledged[]> {
  const acknowledged: Acknowledged[] = [];
  let dead = false;
  const acknowledge = (a: Acknowledged): void => {
    acknowledged.push(a); // an answer read after the kill was still given before it: it must survive too
    if (!dead && acknowledged.length >= killAfterAcks) {
      dead = true;
      p.child.kill('SIGKILL');
    }
  };
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; !dead; i++) {
        // every third order waits for a poll, so some are still processing when the process dies
        const email = `crash.r${round}.w${w}.${i}${i % 3 === 0 ? '+pending1' : ''}@example.com`;
        try {
          const answer = await call(p.endpoint, 'enroll', enrollXml({ email, csr: readCsr() }));
          if (answer.code > 0) acknowledge({ orderNumber: answer.code, email });
        } catch {
          // connection refused or reset: the process is gone
        }
      }
    }),
  );
  await new Promise<void>((resolve) =>
    p.child.exitCode !== null || p.child.signalCode !== null ? resolve() : p.child.once('exit', () => resolve()),
  );
  return acknowledged;
}

describe('crash safety under load (SIGKILL)', () => {
  it('every acknowledged order survives three kills mid-load, with its certificate once issued', async () => {
    const all: Acknowledged[] = [];
    for (let round = 0; round < 3; round++) {
      const p = await serve();
      const acknowledged = await enrollUntilKilled(p, 8, 5 + round * 10, round);
      expect(acknowledged.length).toBeGreaterThanOrEqual(5 + round * 10);
      all.push(...acknowledged);
    }
    expect(new Set(all.map((a) => a.orderNumber)).size).toBe(all.length); // no number given twice across lives

    const after = await serve();
    for (const { orderNumber, email } of all) {
      let collected = await call(after.endpoint, 'collect', orderXml(orderNumber));
      if (email.includes('+pending1') && collected.code === 0)
        collected = await call(after.endpoint, 'collect', orderXml(orderNumber));
      expect({ orderNumber, code: collected.code }).toEqual({ orderNumber, code: 1 });
      expect(collected.fields.certificate?.length).toBeGreaterThan(1000);
    }
    const next = await call(after.endpoint, 'enroll', enrollXml({ email: 'after.crash@example.com', csr: readCsr() }));
    // a new number, none of those acknowledged before (numbers are drawn, so not necessarily a higher one)
    expect(next.code).toBeGreaterThan(0);
    expect(all.map((a) => a.orderNumber)).not.toContain(next.code);
  }, 120_000);
});
