/**
 * `mapsign serve` settings from the environment and a config file (`src/cli/settings.ts`):
 * every option serve declares — read from its option table, so a flag added later is covered
 * without touching this file — arrives from `MAPSIGN_*` and from the file; the precedence flag >
 * environment > file > default; strict reading of variables and files (unknown keys with a
 * suggestion, wrong types, bad switches); the secret rules; `--help`; and one real
 * `mapsign serve` started from a config file alone. Settings are observed with
 * `--print-config`, which starts nothing.
 */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { OptionDef } from '../../src/cli/command.js';
import { serve } from '../../src/cli/commands/serve.js';
import { SETTINGS_OPTIONS } from '../../src/cli/settings.js';
import { rawGet, runInProcess } from '../gateway/helpers.js';
import { startRawUpstream } from '../support/raw-upstream.js';
import { spawnServe } from '../support/serve-process.js';
import { runCli, tempDir } from './helpers.js';

const dir = tempDir('mapsign-cli-config-');
let files = 0;

/** Writes `content` (JSON unless a string) to a new file with `mode`; returns its path. */
function configFile(content: unknown, mode = 0o600): string {
  const path = join(dir, `config-${++files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  chmodSync(path, mode);
  return path;
}

/** Every option of serve that is a setting: all but `--config` and `--print-config`. */
const SETTINGS = Object.entries(serve.options).filter(([name]) => !(name in SETTINGS_OPTIONS));

const envName = (name: string): string => `MAPSIGN_${name.toUpperCase().replace(/-/g, '_')}`;

/** A value for each option as the environment writes it, as a file writes it, and as it arrives. */
function sample(name: string, def: OptionDef): { env: string; file: unknown; arrives: unknown } {
  if (def.type === 'boolean') return { env: 'true', file: true, arrives: true };
  if (def.multiple === true) return { env: `a-${name},b-${name}`, file: [`a-${name}`, `b-${name}`], arrives: [`a-${name}`, `b-${name}`] };
  // A number where the option takes one (`"port": 8787`), a string elsewhere.
  return def.value === 'N' ? { env: '4242', file: 4242, arrives: '4242' } : { env: `v-${name}`, file: `v-${name}`, arrives: `v-${name}` };
}

/** `--print-config`'s rows: option name → its value (parsed JSON, or `undefined` for `-`) and origin. */
function rows(out: string): Map<string, { value: unknown; origin: string }> {
  const table = new Map<string, { value: unknown; origin: string }>();
  for (const line of out.split('\n').filter((text) => text.startsWith('  '))) {
    const [name, value, origin] = line.trim().split(/ {2,}/);
    table.set(name!, { value: value === '-' ? undefined : JSON.parse(value!), origin: origin! });
  }
  return table;
}

async function printConfig(argv: readonly string[], env: Record<string, string> = {}): Promise<Map<string, { value: unknown; origin: string }>> {
  const { code, out, err } = await runInProcess(serve, ['--print-config', ...argv], env);
  assert.equal(code, 0, err);
  return rows(out);
}

describe('every serve option', () => {
  it('serve declares the options this suite walks over', () => {
    assert.ok(SETTINGS.length >= 16, `only ${SETTINGS.length} options found`);
    assert.ok(SETTINGS.some(([, def]) => def.type === 'boolean') && SETTINGS.some(([, def]) => def.type === 'string' && def.multiple === true));
  });

  it('arrives from its MAPSIGN_* variable', async () => {
    const env = Object.fromEntries(SETTINGS.map(([name, def]) => [envName(name), sample(name, def).env]));
    const table = await printConfig([], env);
    assert.deepEqual([...table.keys()], SETTINGS.map(([name]) => name));
    for (const [name, def] of SETTINGS) assert.deepEqual(table.get(name), { value: sample(name, def).arrives, origin: `env ${envName(name)}` }, name);
  });

  for (const how of ['--config', '$MAPSIGN_CONFIG'] as const) {
    it(`arrives from its key in a config file named by ${how}`, async () => {
      const path = configFile(Object.fromEntries(SETTINGS.map(([name, def]) => [name, sample(name, def).file])));
      const table = await printConfig(how === '--config' ? ['--config', path] : [], how === '--config' ? {} : { MAPSIGN_CONFIG: path });
      for (const [name, def] of SETTINGS) assert.deepEqual(table.get(name), { value: sample(name, def).arrives, origin: `file ${path}` }, name);
    });
  }

  it('is left to the default when set nowhere', async () => {
    const table = await printConfig([]);
    for (const [name] of SETTINGS) assert.deepEqual(table.get(name), { value: undefined, origin: 'default' }, name);
  });
});

describe('precedence: flag > environment > file > default', () => {
  const file = configFile({ port: 1111, 'trust-proxy': ['file-proxy'], 'keep-auth-params': true });
  const cases: readonly { name: string; argv: string[]; env: Record<string, string>; option: string; value: unknown; origin: string }[] = [
    { name: 'a flag wins over both', argv: ['--config', file, '--port', '3333'], env: { MAPSIGN_PORT: '2222' }, option: 'port', value: '3333', origin: 'flag --port' },
    { name: 'the environment wins over the file', argv: ['--config', file], env: { MAPSIGN_PORT: '2222' }, option: 'port', value: '2222', origin: 'env MAPSIGN_PORT' },
    { name: 'an empty variable is unset', argv: ['--config', file], env: { MAPSIGN_PORT: '' }, option: 'port', value: '1111', origin: `file ${file}` },
    { name: 'the file wins over the default', argv: ['--config', file], env: {}, option: 'port', value: '1111', origin: `file ${file}` },
    { name: 'a list is taken whole from the flags', argv: ['--config', file, '--trust-proxy', 'flag-proxy'], env: { MAPSIGN_TRUST_PROXY: 'a,b' }, option: 'trust-proxy', value: ['flag-proxy'], origin: 'flag --trust-proxy' },
    { name: 'a list is taken whole from the environment', argv: ['--config', file], env: { MAPSIGN_TRUST_PROXY: 'loopback, 10.0.0.1' }, option: 'trust-proxy', value: ['loopback', '10.0.0.1'], origin: 'env MAPSIGN_TRUST_PROXY' },
    { name: 'a switch turned off in the environment stays off', argv: ['--config', file], env: { MAPSIGN_KEEP_AUTH_PARAMS: '0' }, option: 'keep-auth-params', value: false, origin: 'env MAPSIGN_KEEP_AUTH_PARAMS' },
    { name: '--config wins over $MAPSIGN_CONFIG', argv: ['--config', file], env: { MAPSIGN_CONFIG: join(dir, 'absent.json') }, option: 'port', value: '1111', origin: `file ${file}` },
  ];
  for (const c of cases) {
    it(c.name, async () => assert.deepEqual((await printConfig(c.argv, c.env)).get(c.option), { value: c.value, origin: c.origin }));
  }

  for (const [text, value] of [['1', true], ['TRUE', true], ['true', true], ['0', false], ['False', false]] as const) {
    it(`a switch in the environment reads ${text} as ${value}`, async () => assert.equal((await printConfig([], { MAPSIGN_INSECURE_NO_VERIFY: text })).get('insecure-no-verify')?.value, value));
  }

  for (const [name, source, suffix] of [
    ['the environment', () => ({ argv: [], env: { MAPSIGN_PORT: '70000' } }), () => ' (--port came from $MAPSIGN_PORT.)'],
    ['the file', () => ({ argv: ['--config', configFile({ port: 70000 })], env: {} }), (argv: string[]) => ` (--port came from the config file ${JSON.stringify(argv[1])}.)`],
  ] as const) {
    it(`a value from ${name} reaches run, which judges it as a flag and says where it came from`, async () => {
      const { argv, env } = source();
      const { code, err } = await runInProcess(serve, argv, { MAPSIGN_UPSTREAM: 'http://127.0.0.1:9', ...env });
      assert.equal(code, 2);
      assert.equal(err.split('\n')[0], `mapsign serve: --port must be a port number from 0 to 65535, not "70000".${suffix(argv)}`);
    });
  }

  it('an option the command requires and no source set: where else to set it', async () => {
    const { code, err } = await runInProcess(serve, ['--config', configFile({ port: 0 })]);
    assert.equal(code, 2);
    assert.match(err, /--upstream URL is required: .* \(--upstream may also be set as \$MAPSIGN_UPSTREAM or as "upstream" in the config file\.\)\n/);
  });
});

describe('what is refused', () => {
  const bad = (name: string, setup: () => { argv: string[]; env?: Record<string, string> }, expected: RegExp): void => {
    it(name, async () => {
      const { argv, env } = setup();
      const { code, out, err } = await runInProcess(serve, ['--print-config', ...argv], env);
      assert.equal(code, 2, err);
      assert.equal(out, '');
      assert.match(err, expected);
      assert.match(err, /\nRun 'mapsign serve --help' for usage\.\n$/);
    });
  };
  const withFile = (content: unknown, mode?: number) => () => ({ argv: ['--config', configFile(content, mode)] });

  bad('a switch in the environment other than 1, 0, true or false', () => ({ argv: [], env: { MAPSIGN_KEEP_AUTH_PARAMS: 'yes' } }), /^mapsign serve: \$MAPSIGN_KEEP_AUTH_PARAMS must be 1, 0, true or false \(the switch --keep-auth-params\), not "yes"\./);
  bad('a list in the environment with an empty item', () => ({ argv: [], env: { MAPSIGN_TRUST_PROXY: 'loopback,,10.0.0.1' } }), /\$MAPSIGN_TRUST_PROXY is a comma-separated list of --trust-proxy values and has an empty item; remove the extra comma\./);
  bad('a misspelt key, with the option meant', withFile({ upstrem: 'http://127.0.0.1:8080' }), /^mapsign serve: The config file ".*config-\d+\.json" \(from --config\) has an unknown key "upstrem"\. Did you mean "upstream"\? Its keys are the long options of 'mapsign serve --help', without "--"\./);
  bad('an unknown key', withFile({ colour: 'blue' }), /has an unknown key "colour"\. Its keys are the long options/);
  for (const key of ['constructor', '__proto__', 'toString']) {
    bad(`a key every object inherits: ${key}`, withFile(`{"${key}": "x"}`), new RegExp(`has an unknown key "${key}"\\.`));
  }
  bad('a key naming an option for the command line only', withFile({ config: 'other.json' }), /cannot set "config": it is for the command line only; remove it from the file\./);
  bad('--print-config in the file', withFile({ 'print-config': true }), /cannot set "print-config": it is for the command line only/);
  bad('a string option given a switch', withFile({ port: true }), /: "port" must be a string or a number \(the value of --port N\), not a boolean\./);
  bad('a switch given a string', withFile({ 'keep-auth-params': 'yes' }), /: "keep-auth-params" must be true or false \(the switch --keep-auth-params\), not a string\./);
  bad('a list holding an object', withFile({ 'trust-proxy': ['loopback', {}] }), /: "trust-proxy" must be a list of strings, e.g\. \["ADDR"\] \(the values of the repeatable --trust-proxy ADDR\), not a list holding an object\./);
  bad('null', withFile({ upstream: null }), /: "upstream" must be a string or a number \(the value of --upstream URL\), not null\./);
  bad('a byte order mark is no excuse for bad JSON', withFile('\uFEFF{"port" 1}'), /is not valid JSON \(line 1, column 9\)/);
  bad('a file that is not an object', withFile([1, 2]), /\(from --config\) holds a list; write one JSON object keyed by option name, e\.g\. \{"port": 8787\}\./);
  bad('a missing file', () => ({ argv: [], env: { MAPSIGN_CONFIG: join(dir, 'missing.json') } }), /Cannot read the config file ".*missing\.json" \(from \$MAPSIGN_CONFIG: no such file\); give the path of a JSON file of settings/);

  it('a file that is not JSON: the place, never the text', async () => {
    const path = configFile('{\n  "db": "postgres://app:hunter2-secret@db/mapsign"\n  "port": 8787\n}');
    const { code, err } = await runInProcess(serve, ['--print-config', '--config', path]);
    assert.equal(code, 2);
    assert.match(err, /\(from --config\) is not valid JSON \(line 3, column 3\); write one JSON object keyed by option name/);
    assert.ok(!err.includes('hunter2'), err);
  });

  for (const [key, instead] of [
    ['admin-token', /set \$MAPSIGN_ADMIN_TOKEN, or put it alone in a file named by "admin-token-file"\./],
    ['password', /set \$MAPSIGN_PASSWORD\./],
    ['db-password', /set \$MAPSIGN_DB_PASSWORD\./],
  ] as const) {
    it(`a secret under "${key}" is refused without being repeated`, async () => {
      const secret = 'f00dfeedf00dfeedf00dfeed';
      const { code, err } = await runInProcess(serve, ['--print-config', '--config', configFile({ [key]: secret })]);
      assert.equal(code, 2);
      assert.match(err, new RegExp(`may not hold "${key}": a secret does not belong in a file of settings; `));
      assert.match(err, instead);
      assert.ok(!err.includes(secret), err);
    });
  }
});

describe('database passwords', () => {
  const url = 'postgres://app:hunter2-secret@db.internal:5432/mapsign?sslmode=require';
  const masked = 'postgres://app:***@db.internal:5432/mapsign?sslmode=require';

  it('a file other users may read that holds one gets a warning; --print-config masks it', async () => {
    const path = configFile({ db: url, 'admin-token-file': '/run/secrets/mapsign-admin' }, 0o644);
    const { code, out, err } = await runInProcess(serve, ['--print-config', '--config', path]);
    assert.equal(code, 0, err);
    assert.equal(err, `mapsign serve: warning: the config file ${JSON.stringify(path)} is readable by other users and holds a password in "db"; run chmod 600 on it, or move the URL to $MAPSIGN_DB.\n`);
    assert.deepEqual(rows(out).get('db'), { value: masked, origin: `file ${path}` });
    assert.deepEqual(rows(out).get('admin-token-file'), { value: '/run/secrets/mapsign-admin', origin: `file ${path}` });
    assert.ok(!out.includes('hunter2'), out);
  });

  it('a file only its owner reads gets none', async () => {
    const { code, err } = await runInProcess(serve, ['--print-config', '--config', configFile({ db: url }, 0o600)]);
    assert.equal(code, 0);
    assert.equal(err, '');
  });

  it('a file without a password gets none, whoever may read it', async () => {
    const { err } = await runInProcess(serve, ['--print-config', '--config', configFile({ db: 'postgres://app@db.internal/mapsign' }, 0o644)]);
    assert.equal(err, '');
  });

  for (const [name, env, shown] of [
    ['in $MAPSIGN_DB', { MAPSIGN_DB: url }, masked],
    ['as ?password=', { MAPSIGN_DB: 'postgres://app@db/mapsign?password=hunter2-secret&sslmode=require' }, 'postgres://app@db/mapsign?password=***&sslmode=require'],
    ['holding @ (read up to the last @, as libpq does)', { MAPSIGN_DB: 'postgres://app:p@hunter2@x@127.0.0.1:1/db' }, 'postgres://app:***@127.0.0.1:1/db'],
    ['as another secret parameter', { MAPSIGN_UPSTREAM: 'http://127.0.0.1:8080/?api_key=hunter2&x=1' }, 'http://127.0.0.1:8080/?api_key=***&x=1'],
  ] as const) {
    it(`--print-config masks one ${name}`, async () => {
      const { out } = await runInProcess(serve, ['--print-config'], env);
      assert.equal(rows(out).get('MAPSIGN_UPSTREAM' in env ? 'upstream' : 'db')?.value, shown);
      assert.ok(!out.includes('hunter2'), out);
    });
  }
});

describe('the mapsign binary', () => {
  it('serve --help says where settings come from and in what order', async () => {
    const { status, stdout } = await runCli(['serve', '--help']);
    assert.equal(status, 0);
    assert.match(stdout, /^ {2}--config FILE +read settings from a JSON file \(default: \$MAPSIGN_CONFIG\)/m);
    assert.match(stdout, /^ {2}--print-config +print every setting and where it came from/m);
    assert.match(stdout, /^Settings: every option can also be set in the environment, as MAPSIGN_UPSTREAM for --upstream\n/m);
    assert.match(stdout, /--config FILE or \$MAPSIGN_CONFIG, keyed by option name, e\.g\.\n\{"upstream": "URL", "trust-proxy": \["ADDR"\], "auth-only": true\}/);
    assert.match(stdout, /A flag wins over the environment, the environment over the file, the file over the default/);
  });

  it('serve runs from a config file alone', async (t) => {
    const upstream = await startRawUpstream(t);
    const db = join(tempDir('mapsign-cli-config-db-'), 'mapsign.db');
    // A password in the upstream URL is never printed (the notice shows the URL masked).
    const withPassword = upstream.url.replace('://', '://u:hunter2@');
    const path = configFile({ upstream: withPassword, port: 0, db, log: 'none', drain: '2s', 'refusal-delay-max': 0, 'insecure-no-verify': true });
    const gateway = await spawnServe(t, [], { MAPSIGN_CONFIG: path });
    assert.match(gateway.stderr(), new RegExp(`forwarding to ${upstream.url.replace('://', '://u:\\*\\*\\*@')}, database ${db} `));
    assert.ok(!gateway.stderr().includes('hunter2'), gateway.stderr());
    assert.match(gateway.stderr(), /WARNING: --insecure-no-verify forwards every request unverified/);
    const answer = await rawGet(gateway.address, '/tiles/1/2/3.png?style=dark');
    assert.equal(answer.status, 200);
    assert.equal(upstream.requests.at(-1)?.requestLine, 'GET /tiles/1/2/3.png?style=dark HTTP/1.1');
    gateway.signal('SIGTERM');
    assert.deepEqual(await gateway.waitExit(10_000), { code: 0, signal: null });
  });
});
