#!/usr/bin/env node
// Command-line entry of the `jobtoken` client; `jobtoken --help` lists the commands.
import { runCli } from './run-cli.js';

// Ctrl-C stops a running poll; the job itself keeps running on the server.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('Interrupted by SIGINT')));

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
}).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    console.error('jobtoken: unexpected error:', error);
    process.exitCode = 1;
  },
);
