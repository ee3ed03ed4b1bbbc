/**
 * `mapsign sign [URL ...] --scheme NAME`: signs each URL with the core's `createSigner`
 * (credential parsed once) and prints the signed URLs in input order, one per line — from the
 * arguments, or streamed from `--input FILE` / stdin.
 */
import { createSigner, isMapsignError } from '../../index.js';
import { parseCommandArgs, optionalString } from '../args.js';
import type { Command } from '../command.js';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credentialFrom } from '../credential-options.js';
import { LENGTH_HELP, LENGTH_OPTIONS, maxLengthOption } from '../length-option.js';
import { schemeOption } from '../scheme-option.js';
import { openUrlSource, runUrlBatch, URL_BATCH_HELP, URL_BATCH_OPTIONS } from '../url-batch.js';

const HELP = `Usage: mapsign sign [URL ...] --scheme NAME [options]

Sign each URL and print the signed URL, one per line, in input order. With no URL argument,
read URLs one per line from --input FILE or stdin (streamed: any number of lines).
A URL that cannot be signed is reported on stderr with its line number; the exit status is 1
if any failed, 2 for a usage error.

Options:
  ${CREDENTIAL_HELP}

  --channel NAME     google: add channel=NAME (usage reporting): a name with --client,
                     a number from 0 to 999 with --key
  ${LENGTH_HELP}
  ${URL_BATCH_HELP}
  -h, --help         show this help

Examples:
  export MAPSIGN_SECRET='vNIXE0xscrmjlyV-12Nj_BvUPaw='   # Google's published test secret
  mapsign sign --scheme google --client clientID 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York'
  mapsign sign --scheme google --key "$GOOGLE_API_KEY" 'https://maps.googleapis.com/maps/api/staticmap?center=0,0&size=600x300'
  mapsign sign --scheme streetmaps --key my-api-key --secret-file ~/.streetmaps-secret -i urls.txt -o signed.txt
  MAPSIGN_SECRET="$TOKEN" mapsign sign --scheme maptiler 'https://api.maptiler.com/maps/streets/style.json'
`;

const OPTIONS = { ...CREDENTIAL_OPTIONS, ...URL_BATCH_OPTIONS, ...LENGTH_OPTIONS, channel: { type: 'string' } } as const;

/** The `sign` command. */
export const sign: Command = {
  name: 'sign',
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    if (values.help === true) {
      io.stdout.write(HELP);
      return 0;
    }
    const scheme = schemeOption(values.scheme, true);
    const source = await openUrlSource({ command: 'sign', values, urls: positionals }, io);
    const channel = optionalString(values.channel);
    const options = { ...maxLengthOption(values['max-length']), ...(channel === undefined ? {} : { channel }) };
    const credential = await credentialFrom(values, scheme, io, { required: true });
    const signer = createSigner(credential, options);
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
};
