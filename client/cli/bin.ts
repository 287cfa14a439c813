#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './main.js';

/** The `ccm` executable: process wiring only (argv, streams, Ctrl-C, exit code). */

// the first Ctrl-C asks the command to stop (waits and requests end, conformance still cleans up); with the
// listener gone, a second one ends the process at once
const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

// `npm run ccm -- ...` runs in the package root: resolve the user's relative paths where they typed the command
const cwd = process.env.npm_lifecycle_event === 'ccm' ? process.env.INIT_CWD : undefined;

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
  cwd,
}).then(
  (code) => process.exit(code),
  (err) => {
    console.error('ccm: internal error:', err);
    process.exit(70);
  },
);
