/**
 * The CLI's finish: "did you mean" for commands and options, shell completion scripts that
 * bash really completes with (zsh and fish scripts parsed by those shells when installed),
 * `--color`/`FORCE_COLOR`, a URL option given without its scheme, one exit status per kind of
 * failure across commands, and `--keep-order` keeping output lines aligned with input lines.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GOOGLE_SECRET, GOOGLE_SIGNED, GOOGLE_URL, runCli, tempDir } from './helpers.js';

const dir = tempDir('mapsign-cli-polish-');

const has = (shell: string): boolean => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

describe('did you mean', () => {
  const cases: ReadonlyArray<readonly [readonly string[], string]> = [
    [['sing'], 'mapsign: Unknown command "sing"; the commands are sign, verify, explain, keygen, serve, sign-server, credentials, usage, audit, completion. Did you mean sign?\nRun \'mapsign --help\' for usage.\n'],
    [['--verison'], 'mapsign: Unknown option "--verison"; the commands are sign, verify, explain, keygen, serve, sign-server, credentials, usage, audit, completion. Did you mean --version?\nRun \'mapsign --help\' for usage.\n'],
    [['sign', '--clinet', 'x', GOOGLE_URL], "mapsign sign: Unknown option '--clinet'. Did you mean --client?\nRun 'mapsign sign --help' for usage.\n"],
    [['explain', '--sheme', 'google', GOOGLE_URL], "mapsign explain: Unknown option '--sheme'. Did you mean --scheme?\nRun 'mapsign explain --help' for usage.\n"],
    [['verify', '--keep-ordr'], "mapsign verify: Unknown option '--keep-ordr'. Did you mean --keep-order?\nRun 'mapsign verify --help' for usage.\n"],
    [['sign', '--scheme', 'gogle', GOOGLE_URL], 'mapsign sign: Unknown scheme "gogle": use one of google, streetmaps, maptiler. Did you mean google?\nRun \'mapsign sign --help\' for usage.\n'],
  ];
  for (const [args, stderr] of cases) {
    it(args.slice(0, 2).join(' '), async () => assert.deepEqual(await runCli(args, { secret: GOOGLE_SECRET }), { status: 2, stdout: '', stderr }));
  }
});

describe('mapsign completion', () => {
  it('bash: the script completes commands, options and fixed values', async () => {
    const script = await runCli(['completion', 'bash']);
    assert.equal(script.status, 0);
    const file = join(dir, 'mapsign.bash');
    writeFileSync(file, script.stdout);
    const ask = (words: readonly string[]): string =>
      execFileSync('bash', ['-c', `source "$1"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _mapsign; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', file], { encoding: 'utf8' });
    assert.equal(ask(['mapsign', 've']), 'verify\n');
    assert.equal(ask(['mapsign', 'sign', '--sch']), '--scheme\n');
    assert.equal(ask(['mapsign', 'sign', '--scheme', 'm']), 'maptiler\n');
    assert.equal(ask(['mapsign', 'sign', '--ke']), '--key\n--keep-order\n');
    assert.equal(ask(['mapsign', 'usage', '--by', '']), 'client\nchannel\nday\nhour\nclient-day\n');
    assert.equal(ask(['mapsign', 'completion', '']), 'bash\nzsh\nfish\n');
    assert.equal(ask(['mapsign', 'sign', '--client', '']), '\n');
  });

  for (const shell of ['zsh', 'fish'] as const) {
    it(`${shell}: the script names every command and parses`, async (t) => {
      const script = await runCli(['completion', shell]);
      assert.equal(script.status, 0);
      for (const command of ['sign', 'verify', 'explain', 'keygen', 'serve', 'credentials', 'usage']) assert.match(script.stdout, new RegExp(`\\b${command}\\b`));
      assert.match(script.stdout, shell === 'zsh' ? /'--scheme:scheme:\(google streetmaps maptiler\)'/ : /-l scheme -x -a 'google streetmaps maptiler'/);
      if (!has(shell)) {
        t.skip(`${shell} is not installed: the script was checked as text only`);
        return;
      }
      const file = join(dir, `mapsign.${shell}`);
      writeFileSync(file, script.stdout);
      assert.equal(spawnSync(shell, ['-n', file], { encoding: 'utf8' }).status, 0);
    });
  }

  it('names the shells for anything else', async () => {
    assert.deepEqual(await runCli(['completion', 'powershell']), {
      status: 2,
      stdout: '',
      stderr: 'mapsign completion: Name one shell: mapsign completion bash, zsh or fish (got "powershell").\nRun \'mapsign completion --help\' for usage.\n',
    });
  });
});

describe('colour', () => {
  const signed = GOOGLE_SIGNED;
  const cases: ReadonlyArray<readonly [string, readonly string[], Readonly<Record<string, string>>, boolean]> = [
    ['piped: plain', [], {}, false],
    ['--color always through a pipe', ['--color', 'always'], {}, true],
    ['FORCE_COLOR=1 through a pipe', [], { FORCE_COLOR: '1' }, true],
    ['FORCE_COLOR=0', [], { FORCE_COLOR: '0' }, false],
    ['FORCE_COLOR wins over NO_COLOR', [], { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['--color never wins over FORCE_COLOR', ['--color', 'never'], { FORCE_COLOR: '1' }, false],
  ];
  for (const [name, args, env, coloured] of cases) {
    it(name, async () => {
      const result = await runCli(['explain', ...args, signed], { secret: GOOGLE_SECRET, env });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.includes('\x1b['), coloured);
      assert.match(result.stdout, /VALID/);
    });
  }

  it('refuses another --color value', async () => {
    assert.deepEqual(await runCli(['explain', '--color', 'alwys', signed]), {
      status: 2,
      stdout: '',
      stderr: `mapsign explain: --color takes auto, always or never, not "alwys". Did you mean always?\nRun 'mapsign explain --help' for usage.\n`,
    });
  });
});

describe('a URL option without its scheme', () => {
  for (const [option, value] of [['--upstream', '127.0.0.1:8080'], ['--public-url', 'tiles.example.com']] as const) {
    it(`${option} ${value}`, async () => {
      const args = option === '--upstream' ? ['--upstream', value] : ['--upstream', 'http://127.0.0.1:9', '--public-url', value];
      assert.deepEqual(await runCli(['serve', ...args, '--db', join(dir, 'never.db')]), {
        status: 2,
        stdout: '',
        stderr: `mapsign serve: ${option} "${value}" has no scheme: write http://${value} (or https://…).\nRun 'mapsign serve --help' for usage.\n`,
      });
    });
  }
});

describe('one exit status per kind of failure', () => {
  // Bad secret text is a usage error (2) in every command that reads a secret.
  for (const command of ['sign', 'verify', 'explain']) {
    it(`${command}: undecodable secret text exits 2 with INVALID_SECRET`, async () => {
      const result = await runCli([command, '--scheme', 'google', GOOGLE_SIGNED], { secret: 'not base64!' });
      assert.equal(result.status, 2);
      assert.match(result.stderr, new RegExp(`^mapsign ${command}: INVALID_SECRET: The Google signing secret must be URL-safe base64`));
    });
  }
  // A URL that fails is status 1 in every command that takes URLs.
  for (const command of ['sign', 'verify', 'explain']) {
    it(`${command}: a URL with an impossible host exits 1`, async () => {
      const result = await runCli([command, '--scheme', 'google', 'https://a b/x?client=c&signature=x'], { secret: GOOGLE_SECRET });
      assert.equal(result.status, 1, result.stderr);
    });
  }
});

describe('--keep-order', () => {
  const input = `${GOOGLE_URL}\n\nhttps://maps.googleapis.com/x?client=clientID#frag\n   \n${'x'.repeat(200_000)}\n${GOOGLE_URL}\n`;
  it('sign: a failed, blank or over-long line leaves an empty line', async () => {
    const result = await runCli(['sign', '--scheme', 'google', '--keep-order'], { secret: GOOGLE_SECRET, input });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, `${GOOGLE_SIGNED}\n\n\n\n\n${GOOGLE_SIGNED}\n`);
    assert.match(result.stderr, /^mapsign sign: line 3: FRAGMENT_NOT_ALLOWED: .*\nmapsign sign: line 5: longer than 65536 characters, skipped; put one URL per line\.\n$/);
  });

  it('without it, only the signed URLs are printed', async () => {
    const result = await runCli(['sign', '--scheme', 'google'], { secret: GOOGLE_SECRET, input });
    assert.equal(result.stdout, `${GOOGLE_SIGNED}\n${GOOGLE_SIGNED}\n`);
  });

  it('sign with arguments: a failed argument leaves an empty line', async () => {
    const result = await runCli(['sign', '--scheme', 'google', '--keep-order', 'https://maps.googleapis.com/x?client=clientID#f', GOOGLE_URL], { secret: GOOGLE_SECRET });
    assert.equal(result.stdout, `\n${GOOGLE_SIGNED}\n`);
  });
});
