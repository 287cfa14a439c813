import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ROUTES } from '../../server/admin/api.js';
import { createMockServer, type MockServer } from '../../server/mock-server.js';
import { readCsr } from '../support/fixtures.js';
import { tempDir } from '../support/openssl.js';
import { docsPath } from '../support/readme-tables.js';
import { run } from '../support/revocation.js';
import { call, enrollXml } from '../support/soap.js';

/**
 * The Admin API examples of docs/admin.md: one curl line for every route of ADMIN_ROUTES (and none for a route that
 * does not exist), each run as written with curl against a live mock (its address and order numbers put in).
 */

interface Example {
  /** the line as the page has it */
  line: string;
  /** what to run: the line without its trailing comment */
  command: string;
  method: string;
  path: string;
}

const EXAMPLE_ORDER = '1234567';

function adminPageExamples(): Example[] {
  const text = readFileSync(docsPath('admin.md'), 'utf8');
  const start = text.indexOf('\n## Examples\n');
  if (start < 0) throw new Error('docs/admin.md has no "## Examples" section');
  const section = text.slice(start, text.indexOf('\n## ', start + 1));
  const block = /```sh\n([\s\S]*?)\n```/.exec(section);
  if (!block) throw new Error('the Examples section of docs/admin.md has no ```sh block');
  return block[1]
    .split('\n')
    .filter((l) => l.startsWith('curl '))
    .map((line) => {
      const command = line.replace(/\s+#.*$/, '');
      const url = /\slocalhost:8080(\/[^'\s?]*)|\s'localhost:8080(\/[^'?]*)/.exec(command);
      if (!url) throw new Error(`no localhost:8080 URL in ${line}`);
      const method = /\s-X (\w+)/.exec(command)?.[1] ?? (/\s(-d|--json)\s/.test(command) ? 'POST' : 'GET');
      return { line, command, method, path: url[1] ?? url[2] };
    });
}

const routePattern = (path: string) => new RegExp(`^${path.replace(/\{\w+\}/g, '\\d+')}$`);
const routeOf = (e: Example) =>
  ADMIN_ROUTES.find(([method, path]) => method === e.method && routePattern(path).test(e.path));

describe('docs/admin.md: Admin API examples', () => {
  const examples = adminPageExamples();

  it('show every route of ADMIN_ROUTES, and only those', () => {
    for (const [method, path] of ADMIN_ROUTES) {
      expect(
        examples.some((e) => e.method === method && routePattern(path).test(e.path)),
        `no curl example for ${method} ${path}`,
      ).toBe(true);
    }
    for (const e of examples) expect(routeOf(e), `no route for the example ${e.line}`).toBeDefined();
  });

  describe('run with curl against a live mock', () => {
    let mock: MockServer;
    let dir: string;
    beforeAll(async () => {
      mock = await createMockServer({ seed: 'readme-examples' });
      dir = tempDir();
    });
    afterAll(async () => {
      await mock.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** a fresh order in the state the example's action needs */
    async function orderFor(path: string): Promise<number> {
      const tag = /\/(approve|reject|issue)$/.test(path) ? '+delay1h' : path.endsWith('/pay') ? '+payment' : '';
      const n = (await call(mock.endpoint, 'enroll', enrollXml({ email: `alice${tag}@example.com`, csr: readCsr() })))
        .code;
      expect(n).toBeGreaterThan(0);
      return n;
    }

    it('every example answers 2xx', async () => {
      const address = mock.url.replace(/^http:\/\//, '');
      for (const e of examples) {
        let command = e.command.replaceAll('localhost:8080', address);
        if (command.includes(EXAMPLE_ORDER))
          command = command.replaceAll(EXAMPLE_ORDER, String(await orderFor(e.path)));
        // the HTTP status to stderr; stdout stays where the line sends it
        const result = await run('bash', ['-c', command.replace(/^curl /, `curl -w '%{stderr}%{http_code}' `)], {
          cwd: dir,
        });
        expect(result.status, `${e.line}\n${result.output}`).toBe(0);
        expect(Number(result.stderr), `${e.line}\n${result.output}`).toBeGreaterThanOrEqual(200);
        expect(Number(result.stderr), `${e.line}\n${result.output}`).toBeLessThan(300);
      }
      expect(readFileSync(join(dir, 'alice.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    });
  });
});
