/**
 * Renders the core's explain report: verdict, the correctly signed URL to copy, likely causes
 * with their fixes (for a confirmed mistake, the string the client signed beside the right one,
 * differing characters marked), the expiry of a URL with `expires=` and whether it has passed,
 * the provided and expected signatures, the exact signed string,
 * the warnings and the URL taken apart. Only data is rendered (text nodes), never HTML.
 */
import { getScheme, type ExplainedExpiry, type ExplainedParam, type ExplainReport, type LikelyCause, type UrlWarning } from '../../core/index.js';
import { copyButton } from './copy.js';
import { h } from './dom.js';
import { renderRevealed } from './reveal.js';
import { diffStrings, type DiffPart } from './string-diff.js';

const VERDICT_TITLES: Readonly<Record<ExplainReport['verdict'], string>> = {
  valid: 'Valid signature',
  invalid: 'Invalid signature',
  unchecked: 'Signature not checked',
};

function section(title: string, ...content: ReadonlyArray<Node | undefined>): HTMLElement {
  return h('section', { class: 'report-part' }, h('h3', {}, title), ...content);
}

function renderVerdict(report: ExplainReport): HTMLElement {
  const scheme = getScheme(report.scheme);
  return h(
    'div',
    { class: `verdict verdict-${report.verdict}`, 'data-testid': 'verdict' },
    h('p', { class: 'verdict-title' }, h('span', { class: 'verdict-icon', 'aria-hidden': 'true' }, report.verdict === 'valid' ? '✓' : report.verdict === 'invalid' ? '✗' : '?'), report.reason === 'EXPIRED' ? 'Signature valid, but the URL has expired' : VERDICT_TITLES[report.verdict], report.reason === undefined ? undefined : h('code', { class: 'reason' }, report.reason)),
    h('p', {}, report.message),
    h('p', { class: 'muted' }, `Scheme: ${scheme.title}${report.schemeGuessed ? ' (guessed from the URL)' : ''}.`),
  );
}

const EXPIRY_TITLES: Readonly<Record<ExplainedExpiry['state'], string>> = {
  current: 'Not expired',
  expired: 'Expired',
  malformed: 'Not a valid expiry',
  repeated: 'expires= more than once',
};

/** The URL's `expires=`: when, and whether a verifier still accepts it (at this browser's clock). */
function renderExpiry(expiry: ExplainedExpiry): HTMLElement {
  return section(
    'Expiry',
    h('p', { class: `expiry expiry-${expiry.state}`, 'data-testid': 'expiry', 'data-state': expiry.state }, h('strong', {}, EXPIRY_TITLES[expiry.state]), ' ', expiry.message),
    h('p', { class: 'muted' }, "Judged by this computer's clock. mapsign verifiers refuse a validly signed URL after its expires= time plus a small clock-skew allowance (30 s by default)."),
  );
}

/** A signed string with the characters that differ from the other string marked. */
function renderDiffed(label: string, parts: readonly DiffPart[], testId: string): HTMLElement {
  const body = h('pre', { class: 'signed-string', 'data-testid': testId });
  for (const part of parts) body.append(part.changed ? h('mark', {}, renderRevealed(part.text)) : renderRevealed(part.text));
  return h('div', { class: 'signature-card' }, h('p', { class: 'label' }, label), body);
}

function renderStrings(clientSigned: string, signedString: string): HTMLElement {
  const diff = diffStrings(clientSigned, signedString);
  return h(
    'div',
    { class: 'signatures' },
    renderDiffed('Your client signed', diff.before, 'client-signed'),
    renderDiffed('It should have signed (what is sent)', diff.after, 'should-sign'),
  );
}

function renderCause(cause: LikelyCause, signedString: string | undefined): HTMLElement {
  return h(
    'li',
    { class: 'cause', 'data-cause': cause.code },
    h('p', { class: 'cause-title' }, cause.title),
    cause.clientSigned === undefined || signedString === undefined ? undefined : renderStrings(cause.clientSigned, signedString),
    h('p', {}, h('strong', {}, 'Fix: '), cause.fix),
    h('p', { class: cause.confirmed ? 'tag tag-confirmed' : 'tag' }, cause.confirmed ? 'Confirmed: re-signing with this mistake gives exactly the signature in the URL.' : 'Not confirmed by re-signing.'),
  );
}

/**
 * One signature. Two HMACs are never compared character by character: one changed byte of
 * the signed string changes every character, so such a diff would mean nothing.
 */
function renderSignature(label: string, value: string | undefined, missing: string): HTMLElement {
  const body = h('code', { class: 'signature' }, value === undefined ? h('span', { class: 'muted' }, missing) : value);
  return h('div', { class: 'signature-card' }, h('p', { class: 'label' }, label), body);
}

/** The URL signed correctly with the secret given, with a copy button. */
function renderSignedUrl(url: string): HTMLElement {
  const box = h('code', { class: 'url-box', 'data-testid': 'corrected-url' }, url);
  return section('Correctly signed URL', h('p', { class: 'muted' }, 'The same URL with the right signature, signed here with your secret. Send this one.'), h('pre', {}, box), copyButton(url, 'Copy signed URL', box));
}

function renderWarning(warning: UrlWarning): HTMLElement {
  const shown = warning.positions.slice(0, 8).map((p) => String(p + 1));
  const more = warning.positions.length - shown.length;
  return h(
    'li',
    { 'data-warning': warning.code },
    h('code', {}, warning.code),
    ' ',
    warning.message,
    shown.length === 0 ? undefined : h('span', { class: 'muted' }, ` At character ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}.`),
  );
}

function renderParam(param: ExplainedParam): HTMLElement {
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, renderRevealed(param.name)),
    h('td', { 'data-label': 'Raw' }, renderRevealed(param.rawValue)),
    h('td', { 'data-label': 'Decoded' }, param.value === undefined ? h('span', { class: 'muted' }, 'not valid UTF-8') : renderRevealed(param.value)),
  );
}

function renderBreakdown(report: ExplainReport): HTMLElement {
  const parts = h(
    'dl',
    { class: 'parts' },
    h('dt', {}, 'Origin'),
    h('dd', {}, report.origin === undefined || report.origin === '' ? h('span', { class: 'muted' }, 'none (a /path?query)') : renderRevealed(report.origin)),
    h('dt', {}, 'Path'),
    h('dd', {}, report.path === undefined ? h('span', { class: 'muted' }, 'could not be read') : renderRevealed(report.path)),
  );
  const table =
    report.params.length === 0
      ? h('p', { class: 'muted' }, 'No query parameters.')
      : h(
          'div',
          { class: 'table-scroll' },
          h('table', { class: 'params' }, h('caption', {}, `Query parameters (${report.params.length})`), h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Raw'), h('th', { scope: 'col' }, 'Decoded'))), h('tbody', {}, ...report.params.map(renderParam))),
        );
  return section('The URL taken apart', parts, table);
}

/**
 * The whole report.
 *
 * @example output.replaceChildren(renderReport(await explainUrl(url, credential)))
 */
export function renderReport(report: ExplainReport): HTMLElement {
  const scheme = getScheme(report.scheme);
  const covers = scheme.signs === 'full-url' ? 'the whole URL' : 'the path and query';
  return h(
    'div',
    { class: 'report' },
    renderVerdict(report),
    report.expiry === undefined ? undefined : renderExpiry(report.expiry),
    report.signedUrl === undefined ? undefined : renderSignedUrl(report.signedUrl),
    report.likelyCauses.length === 0 ? undefined : section(report.likelyCauses.length === 1 ? 'Likely cause' : 'Likely causes', h('ul', { class: 'causes' }, ...report.likelyCauses.map((c) => renderCause(c, report.signedString)))),
    section(
      'Signatures',
      h(
        'div',
        { class: 'signatures' },
        renderSignature('Provided (in the URL)', report.providedSignature, 'no signature= parameter'),
        renderSignature('Expected (computed here with your secret)', report.expectedSignature, 'type the secret to compute it'),
      ),
    ),
    section(
      'Signed string',
      h('p', { class: 'muted' }, `HMAC-${scheme.algorithm.replace('-', '')} over ${covers}, without signature=. Spaces, invisible and non-ASCII characters are marked.`),
      report.signedString === undefined ? h('p', { class: 'muted' }, 'Not known: this scheme signs the whole URL, so paste it with https:// and the host.') : h('pre', { class: 'signed-string', 'data-testid': 'signed-string' }, renderRevealed(report.signedString)),
    ),
    report.warnings.length === 0 ? undefined : section(`Warnings (${report.warnings.length})`, h('ul', { class: 'warnings' }, ...report.warnings.map(renderWarning))),
    renderBreakdown(report),
  );
}
