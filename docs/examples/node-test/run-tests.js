// `node run-tests.js`: one mock for the whole run, then node's test runner over the test files. Each test file runs
// in a process of its own and finds the mock through the environment.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createMockServer } from 'ccm-mock';

const mock = await createMockServer({
  seed: 'my-suite', // the same random draws (delays, fault rates) on every run
  clockStart: '2030-01-01T00:00:00Z',
  clockFrozen: true, // time moves only when a test advances it
});
const files = ['enroll.test.js'].map((f) => fileURLToPath(new URL(f, import.meta.url)));
const tests = spawn(process.execPath, ['--test', ...files], {
  stdio: 'inherit',
  env: { ...process.env, CCM_URL: mock.url, CCM_ROOT_PEM: mock.ca.root.pem },
});
const [code] = await once(tests, 'exit');
await mock.close();
process.exitCode = code ?? 1;
