/**
 * `mapsign keygen` through the real binary: a fresh credential per run, in each provider's
 * format, that `sign` and `verify` accept.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from './helpers.js';

interface Generated {
  scheme: string;
  id: string;
  secret: string;
  token?: string;
}

const FORMATS = [
  { scheme: 'google', id: /^gme-[0-9a-f]{16}$/, secret: /^[\w-]{27}=$/, token: false, url: 'https://maps.googleapis.com/maps/api/geocode/json?address=Paris', idFlag: '--client' },
  { scheme: 'streetmaps', id: /^[0-9a-f]{40}$/, secret: /^[\w-]{27}=$/, token: false, url: 'https://api.streetmaps.example/tiles/1/2/3.png', idFlag: '--key' },
  { scheme: 'maptiler', id: /^[0-9a-f]{24}$/, secret: /^[0-9a-f]{64}$/, token: true, url: 'https://api.maptiler.com/maps/streets/style.json', idFlag: undefined },
] as const;

async function generate(scheme: string): Promise<Generated> {
  const result = await runCli(['keygen', '--scheme', scheme, '--json']);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Generated;
}

describe('mapsign keygen', () => {
  for (const format of FORMATS) {
    it(`prints a new ${format.scheme} credential that signs and verifies`, async () => {
      const [one, two] = await Promise.all([generate(format.scheme), generate(format.scheme)]);
      assert.equal(one.scheme, format.scheme);
      assert.match(one.id, format.id);
      assert.match(one.secret, format.secret);
      assert.equal(one.token, format.token ? `${one.id}_${one.secret}` : undefined);
      assert.notEqual(one.secret, two.secret);
      const secret = one.token ?? one.secret;
      const idArgs = format.idFlag === undefined ? [] : [format.idFlag, one.id];
      const signed = await runCli(['sign', '--scheme', format.scheme, ...idArgs, format.url], { secret, forbidden: [one.secret] });
      assert.equal(signed.status, 0, signed.stderr);
      const verified = await runCli(['verify', '--scheme', format.scheme, signed.stdout.trim()], { secret, forbidden: [one.secret] });
      assert.equal(verified.stdout, `valid\t${signed.stdout.trim()}\n`);
    });
  }

  it('prints the credential as labelled lines without --json', async () => {
    const result = await runCli(['keygen', '--scheme', 'google']);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^scheme: google\nclient: gme-[0-9a-f]{16}\nsecret: [\w-]{27}=\n$/);
  });

  it('is a usage error (exit 2) without --scheme', async () => {
    const result = await runCli(['keygen']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^mapsign keygen: --scheme is required/);
  });
});
