/**
 * The "Build and sign" form: a base URL and literal parameters become the correctly encoded
 * URL (the core's `buildUrl`), shown with its length against the 2048-character limit, and —
 * when a credential is given — the signed URL with a copy button, expiring if asked
 * (`expires=` inside the signed part).
 */
import { signUrl } from '../../api/web.js';
import { buildUrl, MAX_URL_LENGTH, parseCredential, type SchemeName, type SpaceEncoding } from '../../core/index.js';
import { isSchemeName } from '../../core/schemes/index.js';
import { copyButton } from './copy.js';
import { formCredentialInput } from './credential-fields.js';
import { byId, h, radioValue } from './dom.js';
import { describeFailure, renderFailure } from './failure.js';
import { paramsTable, type ParamRow } from './params-table.js';

/** What the build form holds when submitted. */
export interface BuildRequest {
  readonly base: string;
  readonly params: readonly ParamRow[];
  readonly space: SpaceEncoding;
  readonly scheme: SchemeName;
  /** Client ID or API key (not used by MapTiler). */
  readonly id: string;
  /** For Google: whether `id` is a client ID or an API key; default client ID. */
  readonly googleIdentity?: 'client' | 'key';
  /** The secret, or for MapTiler the token. */
  readonly secret: string;
  /** Sign the URL to expire this long from now; never when absent. */
  readonly expiresInMs?: number | undefined;
}

/** The encoded URL and, with a credential, the signed one. */
export interface BuildResult {
  readonly encoded: string;
  readonly signed: string | undefined;
}

/**
 * Encodes and signs; core errors are thrown as `MapsignError`.
 *
 * @example (await buildAndSign({ base, params: [{ name: 'address', value: '5th&Main St.' }], space: 'plus', scheme: 'google', id: 'gme-acme', secret })).signed
 */
export async function buildAndSign(request: BuildRequest): Promise<BuildResult> {
  const encoded = buildUrl(request.base.trim(), request.params.map((p) => [p.name, p.value] as const), { space: request.space });
  const input = formCredentialInput(request.scheme, request.id, request.secret, request.googleIdentity);
  const expiresAt = request.expiresInMs === undefined ? undefined : new Date(Date.now() + request.expiresInMs);
  return { encoded, signed: input === undefined ? undefined : await signUrl(encoded, parseCredential(input), { expiresAt }) };
}

function lengthLine(url: string, id: string): HTMLElement {
  const over = url.length > MAX_URL_LENGTH;
  return h(
    'p',
    { class: over ? 'length length-over' : 'length' },
    h('label', { for: id }, `${url.length} of ${MAX_URL_LENGTH} characters`),
    h('meter', { id, min: '0', max: String(MAX_URL_LENGTH), high: String(Math.round(MAX_URL_LENGTH * 0.9)), optimum: '0', value: String(Math.min(url.length, MAX_URL_LENGTH)) }),
  );
}

function urlBlock(title: string, url: string, testId: string, copyLabel?: string): HTMLElement {
  const code = h('code', { class: 'url', 'data-testid': testId }, url);
  return h('section', { class: 'report-part' }, h('h3', {}, title), h('pre', { class: 'url-box' }, code), lengthLine(url, `${testId}-length`), copyLabel === undefined ? undefined : copyButton(url, copyLabel, code));
}

function renderResult(result: BuildResult, scheme: SchemeName): HTMLElement {
  const credentialHint = scheme === 'maptiler' ? 'Type the token to sign the URL.' : 'Type the secret to sign the URL.';
  return h(
    'div',
    { class: 'report' },
    urlBlock('Encoded URL', result.encoded, 'encoded-url'),
    result.signed === undefined ? h('p', { class: 'notice' }, credentialHint) : urlBlock('Signed URL', result.signed, 'signed-url', 'Copy signed URL'),
  );
}

async function respond(request: BuildRequest): Promise<HTMLElement> {
  try {
    return renderResult(await buildAndSign(request), request.scheme);
  } catch (error) {
    return renderFailure(describeFailure(error, 'build and sign the URL'));
  }
}

/** Shows the credential fields the chosen scheme (and Google identity) uses. */
function showCredentialFields(scheme: SchemeName, googleIdentity: string): void {
  const maptiler = scheme === 'maptiler';
  byId('build-identity-field', HTMLDivElement).hidden = scheme !== 'google';
  byId('build-id-field', HTMLDivElement).hidden = maptiler;
  byId('build-secret-field', HTMLDivElement).hidden = maptiler;
  byId('build-token-field', HTMLDivElement).hidden = !maptiler;
  byId('build-id-label', HTMLLabelElement).textContent = scheme === 'google' && googleIdentity === 'client' ? 'Client ID (client=)' : 'API key (key=)';
}

/** The lifetime chosen in the Expires list, in milliseconds; `undefined` for Never. */
function expiresChoice(value: string): number | undefined {
  return value === '' ? undefined : Number(value);
}

/** Wires the build form of the page template. */
export function setUpBuildForm(): void {
  const form = byId('build-form', HTMLFormElement);
  const schemeSelect = byId('build-scheme', HTMLSelectElement);
  const output = byId('build-result', HTMLDivElement);
  const table = paramsTable(byId('build-params', HTMLTableSectionElement), byId('build-add', HTMLButtonElement));
  table.add();
  const identitySelect = byId('build-identity', HTMLSelectElement);
  const scheme = (): SchemeName => (isSchemeName(schemeSelect.value) ? schemeSelect.value : 'google');
  const identity = (): 'client' | 'key' => (identitySelect.value === 'key' ? 'key' : 'client');
  showCredentialFields(scheme(), identity());
  schemeSelect.addEventListener('change', () => showCredentialFields(scheme(), identity()));
  identitySelect.addEventListener('change', () => showCredentialFields(scheme(), identity()));
  let run = 0;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const mine = ++run;
    const chosen = scheme();
    const request: BuildRequest = {
      base: byId('build-base', HTMLInputElement).value,
      params: table.rows(),
      space: radioValue(form, 'space') === 'percent' ? 'percent' : 'plus',
      scheme: chosen,
      id: chosen === 'maptiler' ? '' : byId('build-id', HTMLInputElement).value,
      googleIdentity: identity(),
      secret: byId(chosen === 'maptiler' ? 'build-token' : 'build-secret', HTMLInputElement).value,
      expiresInMs: expiresChoice(byId('build-expires', HTMLSelectElement).value),
    };
    output.setAttribute('aria-busy', 'true');
    void respond(request).then((rendered) => {
      if (mine !== run) return;
      output.replaceChildren(rendered);
      output.removeAttribute('aria-busy');
    });
  });
}
