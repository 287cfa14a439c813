import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../wsdl/paths.js';
import { startProcess, type Started } from '../../bench/lib/processes.js';
import { fileTrap } from '../support/file-trap.js';
import { rawPost, streamPost } from '../support/http.js';
import { envelope } from '../support/soap.js';
import { checkAnswer } from './check.js';
import { hostileCases } from './hostile-corpus.js';

/**
 * The hostile corpus against `ccm-mock serve` as users run it, a separate process, eight requests at a
 * time: every answer as required, and the process still up, serving, and silent about internal errors.
 */

const trap = fileTrap();
let server: Started;
beforeAll(async () => {
  server = await startProcess(
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
      '--log-level',
      'info',
    ],
    /endpoint\s+(http\S+)/,
    { cwd: packageRoot },
  );
});
afterAll(async () => {
  await server?.stop();
  await trap.close();
});

describe('a ccm-mock process under hostile input', () => {
  it('answers the whole corpus, eight at a time, as required', async () => {
    const cases = hostileCases(trap);
    const queue = [...cases];
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) {
          const answer = await rawPost(
            server.endpoint,
            c.body,
            c.headers ?? { 'content-type': 'text/xml; charset=utf-8' },
          );
          try {
            checkAnswer(answer, c.expect, trap.secret);
          } catch (err) {
            failures.push(`${c.group} / ${c.name}: ${(err as Error).message.split('\n')[0]}`);
          }
        }
      }),
    );
    expect(failures).toEqual([]);
  });

  it('refuses 50 MB bodies early, both ways', async () => {
    for (const declare of [true, false]) {
      const answer = await streamPost(server.endpoint, 50 * 1024 * 1024, { declare });
      expect(answer.status).toBe(413);
      expect(answer.finishedSending).toBe(false);
    }
  });

  it('is still up and serving, opened no named file, and logged no internal error', async () => {
    expect(server.child.exitCode).toBeNull();
    const answer = await rawPost(server.endpoint, envelope('getWebServiceInfo'));
    expect(answer.status).toBe(200);
    expect(trap.sprung()).toBe(false);
    expect(server.output()).not.toMatch(/unexpected error|Internal error|TypeError|RangeError/);
  });
});
