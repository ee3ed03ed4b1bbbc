/**
 * `mapsign verify [URL ...]`: checks each signed URL with the core's `verifyUrl` and prints,
 * per URL, `valid` or the reason code with its one-line explanation. The credential's id comes
 * from each URL unless `--client`/`--key` pins it. Exit status 0 when all are valid, 1 when any
 * is not.
 */
import { verifyUrl } from '../../index.js';
import { parseCommandArgs } from '../args.js';
import type { Command } from '../command.js';
import { CREDENTIAL_HELP, CREDENTIAL_OPTIONS, credentialFrom } from '../credential-options.js';
import { LENGTH_HELP, LENGTH_OPTIONS, maxLengthOption } from '../length-option.js';
import { schemeOption } from '../scheme-option.js';
import { openUrlSource, runUrlBatch, URL_BATCH_HELP, URL_BATCH_OPTIONS } from '../url-batch.js';

const HELP = `Usage: mapsign verify [URL ...] --scheme NAME [options]

Verify each signed URL. Prints one line per URL, tab-separated:
  valid<TAB>URL
  REASON<TAB>URL<TAB>what to do          (e.g. SIGNATURE_MISMATCH, SIGNATURE_NOT_LAST)
With no URL argument, read URLs one per line from --input FILE or stdin (streamed).
The exit status is 0 when every URL is valid, 1 when any is not, 2 for a usage error.

Options:
  ${CREDENTIAL_HELP}
  With --client or --key, URLs naming another client or key are UNKNOWN_CREDENTIAL.

  ${LENGTH_HELP}
  ${URL_BATCH_HELP}
  -h, --help         show this help

Examples:
  export MAPSIGN_SECRET='vNIXE0xscrmjlyV-12Nj_BvUPaw='
  mapsign verify --scheme google 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID&signature=chaRF2hTJKOScPr-RQCEhZbSzIE='
  mapsign verify --scheme google --json < signed.txt | jq 'select(.valid | not)'
`;

const OPTIONS = { ...CREDENTIAL_OPTIONS, ...URL_BATCH_OPTIONS, ...LENGTH_OPTIONS } as const;

/** The `verify` command. */
export const verify: Command = {
  name: 'verify',
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    if (values.help === true) {
      io.stdout.write(HELP);
      return 0;
    }
    const scheme = schemeOption(values.scheme, true);
    const source = await openUrlSource({ command: 'verify', values, urls: positionals }, io);
    const options = maxLengthOption(values['max-length']);
    const credential = await credentialFrom(values, scheme, io, { required: true });
    const json = values.json === true;
    return runUrlBatch(source, io, () => (url, lineNumber, out) => {
      const result = verifyUrl(url, credential, options);
      if (json) out.push(`${JSON.stringify({ line: lineNumber, url, ...result })}\n`);
      else out.push(result.valid ? `valid\t${url}\n` : `${result.reason}\t${url}\t${result.message}\n`);
      return result.valid;
    });
  },
};
