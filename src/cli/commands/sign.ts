/**
 * `mapsign sign [URL ...] --scheme NAME`: signs each URL with the core's `createSigner`
 * (credential parsed once) and prints the signed URLs in input order, one per line — from the
 * arguments, or streamed from `--input FILE` / stdin. With `--expires D` every URL of the run
 * expires at the same time, D after the credential was read (and any prompt answered).
 */
import { createSigner } from '../../api/node.js';
import { isMapsignError } from '../../core/index.js';
import { defineCommand } from '../command.js';
import { CREDENTIAL_NOTE, CREDENTIAL_OPTIONS } from '../credential-options.js';
import { EXPIRES_OPTIONS, lifetimeOption } from '../expiry-options.js';
import { LENGTH_OPTIONS } from '../length-option.js';
import { openCredentialBatch, runUrlBatch, URL_BATCH_OPTIONS } from '../url-batch.js';

/** The `sign` command. */
export const sign = defineCommand({
  name: 'sign',
  usage: '[URL ...] --scheme NAME [options]',
  description: `Sign each URL and print the signed URL, one per line, in input order. With no URL argument,
read URLs one per line from --input FILE or stdin (streamed: any number of lines).
A URL that cannot be signed is reported on stderr with its line number; the exit status is 1
if any failed, 2 for a usage error.`,
  options: {
    ...CREDENTIAL_OPTIONS,
    channel: { type: 'string', value: 'NAME', help: 'google: add channel=NAME (usage reporting): a name with --client,\na number from 0 to 999 with --key' },
    ...EXPIRES_OPTIONS,
    ...LENGTH_OPTIONS,
    ...URL_BATCH_OPTIONS,
  },
  notes: [CREDENTIAL_NOTE],
  examples: [
    "export MAPSIGN_SECRET='vNIXE0xscrmjlyV-12Nj_BvUPaw='   # Google's published test secret",
    "mapsign sign --scheme google --client clientID 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York'",
    'mapsign sign --scheme google --key "$GOOGLE_API_KEY" \'https://maps.googleapis.com/maps/api/staticmap?center=0,0&size=600x300\'',
    'mapsign sign --scheme streetmaps --key my-api-key --secret-file ~/.streetmaps-secret -i urls.txt -o signed.txt',
    'MAPSIGN_SECRET="$TOKEN" mapsign sign --scheme maptiler \'https://api.maptiler.com/maps/streets/style.json\'',
    "mapsign sign --scheme streetmaps --key my-api-key --expires 10m 'https://tiles.example.com/tiles/1/2/3.png'",
  ],
  async run(values, positionals, io) {
    const lifetime = lifetimeOption(values.expires);
    const { source, credential, maxLength } = await openCredentialBatch('sign', values, positionals, io);
    const expiresAt = lifetime === undefined ? undefined : new Date(Date.now() + lifetime);
    const signer = createSigner(credential, { maxLength, channel: values.channel, expiresAt });
    const json = values.json === true;
    return runUrlBatch(source, io, (report) => (url, lineNumber, out) => {
      try {
        const signed = signer(url);
        out.push(json ? `${JSON.stringify({ line: lineNumber, url: signed })}\n` : `${signed}\n`);
        return true;
      } catch (error) {
        if (!isMapsignError(error)) throw error;
        if (json) out.push(`${JSON.stringify({ line: lineNumber, error: { code: error.code, message: error.message } })}\n`);
        report(lineNumber, `${error.code}: ${error.message}`);
        return false;
      }
    });
  },
});
