/**
 * The "Check a signed URL" form: reads the URL, the scheme (or guesses it from `client=`,
 * `key=` and the host) and the optional secret, runs the core's explain over WebCrypto and
 * renders the report into the form's live region. For MapTiler the secret alone (the part of
 * the token after `_`) is enough when the URL carries `key=`: the token is that key and it.
 */
import { explainUrl } from '../../api/web.js';
import { credentialText } from '../../core/credential.js';
import { guessScheme, parseCredential, type ExplainReport, type SchemeName } from '../../core/index.js';
import { isSchemeName } from '../../core/schemes/index.js';
import { formCredentialInput } from './credential-fields.js';
import { byId, h } from './dom.js';
import { describeFailure, renderFailure } from './failure.js';
import { renderReport } from './render-report.js';

/** What the form holds when submitted. */
export interface CheckRequest {
  readonly url: string;
  /** A scheme name, or `guess`. */
  readonly scheme: string;
  /** The secret, or for MapTiler the token; empty when not given. */
  readonly secret: string;
}

/**
 * Explains `request.url`; core errors (a malformed secret, say) are thrown as `MapsignError`.
 *
 * @example (await checkUrl({ url, scheme: 'guess', secret })).verdict // 'valid'
 */
export async function checkUrl(request: CheckRequest): Promise<ExplainReport> {
  // Surrounding whitespace comes from copying, never from the URL that was sent.
  const url = request.url.trim();
  const scheme: SchemeName = isSchemeName(request.scheme) ? request.scheme : guessScheme(url);
  const input = formCredentialInput(scheme, '', scheme === 'maptiler' ? maptilerToken(request.secret, url) : request.secret);
  if (input === undefined) return explainUrl(url, undefined, request.scheme === 'guess' ? {} : { scheme });
  const report = await explainUrl(url, parseCredential(input));
  // With a credential the core treats the scheme as given; the user asked us to guess it.
  return request.scheme === 'guess' ? { ...report, schemeGuessed: true } : report;
}

/**
 * The MapTiler token for `secret`: as typed when it is a whole token `KEY_SECRET`, else the
 * URL's `key=` joined to it (a hex secret has no `_`). Without `key=` it stays as typed, and
 * the core says a token needs both parts.
 *
 * @example maptilerToken('00ff…', 'https://api.maptiler.com/a?key=abc') // 'abc_00ff…'
 */
export function maptilerToken(secret: string, url: string): string {
  const text = secret.trim();
  if (text === '' || text.includes('_')) return secret;
  const key = /[?&]key=([^&#]+)/.exec(url)?.[1];
  return key === undefined ? secret : credentialText('maptiler', key, text).token!;
}

/** The report, or the failure, ready to show: never throws. */
async function respond(request: CheckRequest): Promise<HTMLElement> {
  try {
    return renderReport(await checkUrl(request));
  } catch (error) {
    return renderFailure(describeFailure(error, 'check the signature'));
  }
}

/** Wires the check form of the page template. */
export function setUpCheckForm(): void {
  const form = byId('check-form', HTMLFormElement);
  const url = byId('check-url', HTMLTextAreaElement);
  const scheme = byId('check-scheme', HTMLSelectElement);
  const secret = byId('check-secret', HTMLInputElement);
  const output = byId('check-result', HTMLDivElement);
  // A URL has no line breaks: Enter checks it, as in a one-line field (Shift+Enter still breaks).
  url.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  let run = 0;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const mine = ++run;
    if (url.value.trim() === '') {
      output.replaceChildren(h('p', { class: 'notice' }, 'Paste a signed URL first.'));
      url.focus();
      return;
    }
    output.setAttribute('aria-busy', 'true');
    void respond({ url: url.value, scheme: scheme.value, secret: secret.value }).then((rendered) => {
      // A slower earlier run must not overwrite the answer to a later one.
      if (mine !== run) return;
      output.replaceChildren(rendered);
      output.removeAttribute('aria-busy');
    });
  });
}
