import { describe, expect, it } from 'vitest';
import { defineConfig } from './config.js';
import { parseServiceArgs } from './service-args.js';

const decl = defineConfig({
  port: { env: 'X_PORT', type: 'int', min: 0, max: 65535, default: 9100, doc: 'HTTP port' },
  token: { env: 'X_TOKEN', type: 'string', secret: true, doc: 'API token' },
  secretWithDefault: { env: 'X_KEY', type: 'string', secret: true, default: 'hunter2', doc: 'Key' },
});

describe('parseServiceArgs', () => {
  it('starts the service when there are no arguments', () => {
    expect(parseServiceArgs('x', decl, [])).toEqual({});
  });

  it.each([['--help'], ['-h']])('%s prints every environment variable with its meaning and default, and exits 0', (flag) => {
    const { exit } = parseServiceArgs('x', decl, [flag]);
    expect(exit?.code).toBe(0);
    expect(exit?.stdout).toMatch(/^usage: x \[-h \| --help\]/);
    expect(exit?.stdout).toContain('  X_PORT\n      HTTP port (an integer >= 0 <= 65535; default 9100)');
    expect(exit?.stdout).toContain('  X_TOKEN\n      API token (a non-empty string; required)');
    expect(exit?.stdout).toContain('default ***');
    expect(exit?.stdout).not.toContain('hunter2');
  });

  it('says what a job does instead of running until a signal, when told', () => {
    expect(parseServiceArgs('x', decl, ['--help']).exit?.stdout).toContain('Runs the x service until SIGTERM or SIGINT.');
    const job = parseServiceArgs('x-job', decl, ['--help'], 'Does one thing, then exits.').exit?.stdout;
    expect(job).toContain('Does one thing, then exits. It takes no arguments');
    expect(job).not.toContain('SIGTERM');
  });

  it('refuses an unknown argument with exit status 2 and the usage', () => {
    const { exit } = parseServiceArgs('x', decl, ['--port', '1']);
    expect(exit?.code).toBe(2);
    expect(exit?.stderr).toMatch(/^x: .*--port[\s\S]*usage: x/);
  });
});
