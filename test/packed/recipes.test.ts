import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

/**
 * docs/testing-recipes.md's test-runner recipes in the new project that installed the tarball: type-checked against
 * the package's published declarations, then run. (test/recipes/ runs them in the repository; test/packed/testcontainers.test.ts runs
 * the Testcontainers one.)
 */

const exec = promisify(execFile);
const consumer = inject('consumer');
const env = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };
const tool = (name: string) => join(consumer.dir, 'node_modules', '.bin', name);

describe("the docs' recipes in a project that installed the tarball", () => {
  /** tsc -p on a config written into the project; resolves to its output (errors go to stdout; exit 2) */
  async function typecheck(name: string, include: string[], skipLibCheck: boolean): Promise<string> {
    const compilerOptions = { target: 'ES2022', module: 'NodeNext', strict: true, noEmit: true, types: ['node'] };
    writeFileSync(
      join(consumer.dir, name),
      JSON.stringify({ compilerOptions: { ...compilerOptions, skipLibCheck }, include }),
    );
    const { stdout } = await exec(tool('tsc'), ['-p', name], { cwd: consumer.dir, env }).catch(
      (err: Error & { stdout?: string }) => ({ stdout: err.stdout || err.message }),
    );
    return stdout;
  }

  it("type-check: the package's declarations alone with skipLibCheck off (they reach no type the package does not install), then the recipes", async () => {
    writeFileSync(
      join(consumer.dir, 'surface.ts'),
      [
        `import type * as mock from 'ccm-mock';`,
        `import type * as client from 'ccm-mock/client';`,
        `export type Surface = [typeof mock, typeof client, mock.MockServer, mock.MockAdmin, client.CcmClientOptions];`,
      ].join('\n'),
    );
    expect(await typecheck('tsconfig.surface.json', ['surface.ts'], false)).toBe('');
    expect(await typecheck('tsconfig.json', ['vitest/**/*.ts', 'testcontainers/**/*.ts'], true)).toBe('');
  });

  it('vitest: the globalSetup recipe passes', async () => {
    const { stdout } = await exec(tool('vitest'), ['run'], { cwd: join(consumer.dir, 'vitest'), env });
    expect(stdout).toMatch(/Tests +2 passed \(2\)/);
  });

  it("node's test runner: the wrapper recipe passes", async () => {
    const { stdout } = await exec(process.execPath, ['run-tests.js'], { cwd: join(consumer.dir, 'node-test'), env });
    expect(stdout).toMatch(/^# pass 2$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  });
});
