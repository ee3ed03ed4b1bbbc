/**
 * `mapsign explain URL`: the URL Signing Debugger in a terminal — the core's `explainUrl`,
 * rendered for people (in colour on a terminal) or as one JSON object with `--json`.
 * The secret is optional: without it the report shows the structure and the warnings only.
 */
import { explainUrl } from '../../api/node.js';
import { guessScheme } from '../../core/index.js';
import { defineCommand } from '../command.js';
import { CREDENTIAL_NOTE, CREDENTIAL_OPTIONS, credentialFrom } from '../credential-options.js';
import { CLOCK_SKEW_OPTIONS, clockSkewOption } from '../expiry-options.js';
import { LENGTH_OPTIONS, maxLengthOption } from '../length-option.js';
import { renderExplainReport } from '../explain-report.js';
import { schemeOption } from '../scheme-option.js';
import { COLOR_OPTIONS, colorOption, styleFor } from '../style.js';
import { UsageError } from '../usage-error.js';

/** The `explain` command. */
export const explain = defineCommand({
  name: 'explain',
  usage: 'URL [options]',
  description: `Explain a signed URL: the exact string that is signed, the provided and the expected signature,
warnings about bytes that clients and proxies rewrite, and the most likely cause of a mismatch.
The secret is optional (MAPSIGN_SECRET, --secret-file, or --ask-secret); without it, only the
structure and the warnings. A URL with expires= also shows when it expires and whether that
has passed. The scheme is guessed from the URL unless --scheme is given.
Exit status: 0 when the signature is valid (or not checked and well formed), 1 when not, 2 for a usage error.`,
  options: { ...CREDENTIAL_OPTIONS, ...LENGTH_OPTIONS, ...CLOCK_SKEW_OPTIONS, ...COLOR_OPTIONS, json: { type: 'boolean', help: 'print the report as one JSON object' } },
  notes: [CREDENTIAL_NOTE],
  examples: [
    "mapsign explain 'https://maps.googleapis.com/maps/api/geocode/json?address=New York&client=clientID'",
    "MAPSIGN_SECRET='vNIXE0xscrmjlyV-12Nj_BvUPaw=' mapsign explain \\",
    "  'https://maps.googleapis.com/maps/api/geocode/json?address=New%20York&client=clientID&signature=chaRF2hTJKOScPr-RQCEhZbSzIE='",
  ],
  async run(values, positionals, io) {
    const [url, extra] = positionals;
    if (url === undefined) throw new UsageError("Give the URL to explain, in single quotes: mapsign explain 'https://…'.");
    if (extra !== undefined) throw new UsageError('explain takes one URL; quote it so the shell does not split it at & or spaces.');
    const scheme = schemeOption(values.scheme, false);
    const options = { maxLength: maxLengthOption(values['max-length']), clockSkewMs: clockSkewOption(values['clock-skew']), scheme: scheme?.name };
    const color = colorOption(values.color);
    const credential = await credentialFrom(values, scheme ?? schemeOption(guessScheme(url), true), io, { required: false });
    const explained = explainUrl(url, credential, options);
    // With a secret the core is handed a credential, so it cannot know the scheme was guessed here.
    const report = scheme === undefined ? { ...explained, schemeGuessed: true } : explained;
    io.stdout.write(values.json === true ? `${JSON.stringify(report)}\n` : renderExplainReport(report, styleFor(io, color)));
    return report.verdict === 'invalid' ? 1 : 0;
  },
});
