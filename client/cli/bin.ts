#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './main.js';

/** The `ccm` executable: process wiring only (argv, streams, Ctrl-C, exit code). */

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal }).then(
  (code) => process.exit(code),
  (err) => {
    console.error('ccm: internal error:', err);
    process.exit(70);
  },
);
