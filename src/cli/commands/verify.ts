/**
 * `mapsign verify [URL ...]`: checks each signed URL with the core's `verifyUrl` and prints,
 * per URL, `valid` or the reason code with its one-line explanation. The credential's id comes
 * from each URL unless `--client`/`--key` pins it. Exit status 0 when all are valid, 1 when any
 * is not.
 */
import { verifyUrl } from '../../api/node.js';
import { defineCommand } from '../command.js';
import { CREDENTIAL_NOTE, CREDENTIAL_OPTIONS } from '../credential-options.js';
import { LENGTH_OPTIONS } from '../length-option.js';
import { openCredentialBatch, runUrlBatch, URL_BATCH_OPTIONS } from '../url-batch.js';

/** The `verify` command. */
export const verify = defineCommand({
  name: 'verify',
  usage: '[URL ...] --scheme NAME [options]',
  description: `Verify each signed URL. Prints one line per URL, tab-separated:
  valid<TAB>URL
  REASON<TAB>URL<TAB>what to do          (e.g. SIGNATURE_MISMATCH, SIGNATURE_NOT_LAST)
With no URL argument, read URLs one per line from --input FILE or stdin (streamed).
The exit status is 0 when every URL is valid, 1 when any is not, 2 for a usage error.`,
  options: { ...CREDENTIAL_OPTIONS, ...LENGTH_OPTIONS, ...URL_BATCH_OPTIONS },
  notes: [`With --client or --key, URLs naming another client or key are UNKNOWN_CREDENTIAL.\n${CREDENTIAL_NOTE}`],
  examples: [
    "export MAPSIGN_SECRET='vNIXE0xscrmjlyV-12Nj_BvUPaw='",
    "mapsign verify --scheme google 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID&signature=chaRF2hTJKOScPr-RQCEhZbSzIE='",
    "mapsign verify --scheme google --json < signed.txt | jq 'select(.valid | not)'",
  ],
  async run(values, positionals, io) {
    const { source, credential, maxLength } = await openCredentialBatch('verify', values, positionals, io);
    const options = { maxLength };
    const json = values.json === true;
    return runUrlBatch(source, io, () => (url, lineNumber, out) => {
      const result = verifyUrl(url, credential, options);
      if (json) out.push(`${JSON.stringify({ line: lineNumber, url, ...result })}\n`);
      else out.push(result.valid ? `valid\t${url}\n` : `${result.reason}\t${url}\t${result.message}\n`);
      return result.valid;
    });
  },
});
