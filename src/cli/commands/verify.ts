/**
 * `mapsign verify [URL ...]`: checks each signed URL with the core's `verifyUrl` and prints,
 * per URL, `valid` or the reason code with its one-line explanation. The credential's id comes
 * from each URL unless `--client`/`--key` pins it; a valid URL with `expires=` also shows when
 * it expires. Exit status 0 when all are valid, 1 when any is not.
 */
import { verifyUrl } from '../../api/node.js';
import { describeSpan } from '../../core/expiry.js';
import { defineCommand } from '../command.js';
import { CREDENTIAL_NOTE, CREDENTIAL_OPTIONS } from '../credential-options.js';
import { CLOCK_SKEW_OPTIONS, clockSkewOption } from '../expiry-options.js';
import { LENGTH_OPTIONS } from '../length-option.js';
import { openCredentialBatch, runUrlBatch, URL_BATCH_OPTIONS } from '../url-batch.js';

/** How long until `expiresAt`, or that it has passed but is still inside the clock-skew allowance. */
function expiresIn(expiresAt: Date): string {
  const left = expiresAt.getTime() - Date.now();
  return left > 0 ? `in ${describeSpan(left)}` : `${describeSpan(left)} ago, inside the clock-skew allowance`;
}

/** The `verify` command. */
export const verify = defineCommand({
  name: 'verify',
  usage: '[URL ...] --scheme NAME [options]',
  description: `Verify each signed URL. Prints one line per URL, tab-separated:
  valid<TAB>URL
  valid<TAB>URL<TAB>expires ISO-TIME (in D)   for a URL signed with --expires
  REASON<TAB>URL<TAB>what to do          (e.g. SIGNATURE_MISMATCH, SIGNATURE_NOT_LAST)
With no URL argument, read URLs one per line from --input FILE or stdin (streamed).
The exit status is 0 when every URL is valid, 1 when any is not, 2 for a usage error.`,
  options: { ...CREDENTIAL_OPTIONS, ...LENGTH_OPTIONS, ...CLOCK_SKEW_OPTIONS, ...URL_BATCH_OPTIONS },
  notes: [`With --client or --key, URLs naming another client or key are UNKNOWN_CREDENTIAL.\n${CREDENTIAL_NOTE}`],
  examples: [
    "export MAPSIGN_SECRET='vNIXE0xscrmjlyV-12Nj_BvUPaw='",
    "mapsign verify --scheme google 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID&signature=chaRF2hTJKOScPr-RQCEhZbSzIE='",
    "mapsign verify --scheme google --json < signed.txt | jq 'select(.valid | not)'",
  ],
  async run(values, positionals, io) {
    const { source, credential, maxLength } = await openCredentialBatch('verify', values, positionals, io);
    const options = { maxLength, clockSkewMs: clockSkewOption(values['clock-skew']) };
    const json = values.json === true;
    return runUrlBatch(source, io, () => (url, lineNumber, out) => {
      const result = verifyUrl(url, credential, options);
      if (json) out.push(`${JSON.stringify({ line: lineNumber, url, ...result })}\n`);
      else if (!result.valid) out.push(`${result.reason}\t${url}\t${result.message}\n`);
      else if (result.expiresAt === undefined) out.push(`valid\t${url}\n`);
      else out.push(`valid\t${url}\texpires ${result.expiresAt.toISOString()} (${expiresIn(result.expiresAt)})\n`);
      return result.valid;
    });
  },
});
