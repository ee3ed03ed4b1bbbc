/**
 * The `mapsign` binary as a whole: global help and version, unknown commands and options,
 * `--help` with examples on every command, `--help` winning over the rest of the line, and
 * `mapsign --help` loading no command module and no database driver.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BIN, GOOGLE_SECRET, modulesLoaded, runCli } from './helpers.js';

/** A command module (the registry aside), or a database driver. */
const HEAVY = /\/dist\/cli\/commands\/(?!index\.js$)|\/node_modules\/(?:better-sqlite3|pg)\//;

const COMMANDS = ['sign', 'verify', 'explain', 'keygen'];

describe('mapsign', () => {
  it('starts with a node shebang so the bin runs directly', () => {
    assert.equal(readFileSync(BIN, 'utf8').split('\n')[0], '#!/usr/bin/env node');
  });

  for (const flag of ['--help', '-h', 'help']) {
    it(`${flag} lists every command and exits 0`, async () => {
      const { status, stdout, stderr } = await runCli([flag]);
      assert.equal(status, 0);
      assert.equal(stderr, '');
      for (const name of COMMANDS) assert.match(stdout, new RegExp(`^  ${name} +\\S`, 'm'));
    });
  }

  it('without a command prints the overview on stderr and exits 2', async () => {
    const { status, stdout, stderr } = await runCli([]);
    assert.equal(status, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^Usage: mapsign COMMAND/);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const { status, stdout } = await runCli(['--version']);
    assert.equal(status, 0);
    assert.equal(stdout, `${pkg.version}\n`);
  });

  for (const [args, expected] of [
    [['frobnicate'], /^mapsign: Unknown command "frobnicate"; the commands are .*sign.*\nRun 'mapsign --help' for usage\.\n$/],
    [['--frobnicate'], /^mapsign: Unknown option "--frobnicate"; the commands are /],
  ] as const) {
    it(`${args.join(' ')} is a usage error (exit 2) naming the commands`, async () => {
      const { status, stdout, stderr } = await runCli(args);
      assert.equal(status, 2);
      assert.equal(stdout, '');
      assert.match(stderr, expected);
    });
  }

  it('--help loads no command module and no database driver', async () => {
    const loaded = await modulesLoaded(['--help']);
    assert.ok(loaded.some((url) => url.endsWith('/dist/cli/commands/index.js')), `the recorder saw nothing: ${loaded.join(' ')}`);
    assert.deepEqual(loaded.filter((url) => HEAVY.test(url)), []);
  });

  it('sign --help loads the sign module only, and usage loads the SQLite driver (what the check above would catch)', async () => {
    assert.deepEqual((await modulesLoaded(['sign', '--help'])).filter((url) => HEAVY.test(url)).map((url) => url.replace(/^.*\/dist\//, '')), ['cli/commands/sign.js']);
    const usage = await modulesLoaded(['usage', '--db', ':memory:', '--json']);
    assert.ok(usage.some((path) => /\/node_modules\/better-sqlite3\//.test(path)), usage.join(' '));
  });

  it('--help wins over the rest of the line; a secret in the arguments is refused first', async () => {
    const plain = await runCli(['sign', '--help']);
    for (const args of [['sign', '--frobnicate', '--help'], ['sign', '-h', '--scheme'], ['sign', '--scheme', 'bing', 'not-a-url', '--help']]) {
      assert.deepEqual(await runCli(args), { ...plain, status: 0 }, args.join(' '));
    }
    const refused = await runCli(['sign', `--secret=${GOOGLE_SECRET}`, '--help'], { forbidden: [GOOGLE_SECRET] });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /^mapsign sign: --secret is refused: /);
    assert.equal((await runCli(['completion', '--', '--help'])).status, 2, 'after --, --help is an argument');
  });

  for (const name of COMMANDS) {
    it(`${name} --help shows usage and examples and exits 0`, async () => {
      const { status, stdout, stderr } = await runCli([name, '--help']);
      assert.equal(status, 0, stderr);
      assert.equal(stderr, '');
      assert.match(stdout, new RegExp(`^Usage: mapsign ${name}`));
      assert.match(stdout, /\nExamples:\n {2}\S/);
    });

    it(`help ${name} is the same as ${name} --help`, async () => {
      const [viaHelp, viaFlag] = await Promise.all([runCli(['help', name]), runCli([name, '--help'])]);
      assert.equal(viaHelp.stdout, viaFlag.stdout);
    });

    it(`${name} with an unknown option is a usage error (exit 2) pointing to --help`, async () => {
      const { status, stdout, stderr } = await runCli([name, '--scheme', 'google', '--frobnicate']);
      assert.equal(status, 2, stderr);
      assert.equal(stdout, '');
      assert.equal(stderr, `mapsign ${name}: Unknown option '--frobnicate'.\nRun 'mapsign ${name} --help' for usage.\n`);
    });
  }
});
