#!/usr/bin/env node
import { runReplayCli } from './replay-cli.js';

runReplayCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY === true,
}).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`replay: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
