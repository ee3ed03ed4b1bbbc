/**
 * The URL Signing Debugger's engine: for a URL (and, optionally, the secret) it reports what
 * was signed, the expected and the provided signature, warnings about bytes that get
 * rewritten, and — on a mismatch — which common mistake reproduces the provided signature.
 * A URL with `expires=` also gets its expiry and whether it has passed, secret or not.
 *
 * Written as a generator that yields each HMAC it needs, so one implementation serves the
 * synchronous Node API and the asynchronous WebCrypto one (`drive.ts` runs it).
 */
import { timingSafeEqualText } from './constant-time.js';
import type { Credential, SchemeName } from './credential.js';
import { isMapsignError } from './errors.js';
import { DEFAULT_CLOCK_SKEW_MS, describeSpan, findExpires, judgeExpiry, parseExpires } from './expiry.js';
import type { HmacRequest } from './hmac.js';
import { cause, mistakeCandidates, type LikelyCause } from './mistakes.js';
import { getScheme } from './schemes/index.js';
import { padSignature, unpadSignature } from './signature.js';
import { unusualSecretLength } from './secret-text.js';
import { guessScheme } from './guess.js';
import { finishSignature, planSignature, type SignPlan } from './sign.js';
import { decodeQueryComponent, findParams, listParams } from './query-params.js';
import { joinUrl, splitUrl, type RawUrl } from './url-parts.js';
import { REASON_MESSAGES, type VerifyReason } from './verify-reasons.js';
import { prepareVerification, type VerifyOptions } from './verify.js';
import { collectWarnings, type UrlWarning } from './warnings.js';

/**
 * One query parameter, raw and decoded.
 *
 * @example explainUrl(url).params // [{ name: 'address', rawValue: 'New+York', value: 'New York' }, …]
 */
export interface ExplainedParam {
  readonly name: string;
  readonly rawValue: string;
  /** Percent-decoded (`+` as space); `undefined` when the escapes are not valid UTF-8. */
  readonly value: string | undefined;
}

/**
 * The URL's `expires=` as a verifier judges it: `current` (still accepted, perhaps only thanks
 * to the clock-skew allowance), `expired`, `malformed` (not Unix seconds) or `repeated`.
 *
 * @example explainUrl(url).expiry // { raw: '1796126400', expiresAt: 2026-12-01T12:00:00.000Z, state: 'current', message: 'Expires at …, in 9 min 58 s.' }
 */
export interface ExplainedExpiry {
  readonly raw: string;
  readonly expiresAt: Date | undefined;
  readonly state: 'current' | 'expired' | 'malformed' | 'repeated';
  readonly message: string;
}

/**
 * The debugger's report on one URL.
 *
 * @example const { verdict, signedString, likelyCauses } = explainUrl(url, credential)
 */
export interface ExplainReport {
  readonly url: string;
  readonly scheme: SchemeName;
  /** True when the scheme was guessed from the URL rather than given. */
  readonly schemeGuessed: boolean;
  /** `valid`, `invalid`, or `unchecked` when no secret was given. */
  readonly verdict: 'valid' | 'invalid' | 'unchecked';
  readonly reason: VerifyReason | undefined;
  readonly message: string;
  readonly origin: string | undefined;
  readonly path: string | undefined;
  readonly params: readonly ExplainedParam[];
  /** The exact string the HMAC covers. */
  readonly signedString: string | undefined;
  readonly providedSignature: string | undefined;
  /** What the signature should be (only with a secret), URL-safe base64 with padding. */
  readonly expectedSignature: string | undefined;
  /**
   * The URL signed correctly with the given secret, ready to send instead: only when its
   * signature is missing or wrong and the URL can be signed (a `#fragment` is dropped).
   */
  readonly signedUrl?: string | undefined;
  readonly warnings: readonly UrlWarning[];
  readonly likelyCauses: readonly LikelyCause[];
  /** The URL's `expires=`, when it has one. */
  readonly expiry?: ExplainedExpiry | undefined;
}

/**
 * Options for explain.
 *
 * @example explainUrl('/tiles/1/2/3.png?key=k&signature=…', undefined, { scheme: 'maptiler', origin: 'https://tiles.example.com' })
 */
export interface ExplainOptions extends VerifyOptions {
  /** The scheme when no credential is given; guessed from the URL otherwise. */
  readonly scheme?: SchemeName | undefined;
}

function safeSplit(url: string): RawUrl | undefined {
  try {
    return splitUrl(url, true);
  } catch (error) {
    if (isMapsignError(error)) return undefined;
    throw error;
  }
}

/** The query without its last `signature` parameter, wherever it stands. */
function withoutLastSignature(query: string): { query: string; signature: string | undefined } {
  const last = findParams(query, 'signature').at(-1);
  if (last === undefined) return { query, signature: undefined };
  const before = query.slice(0, Math.max(0, last.start - 1));
  const after = query.slice(last.end + 1);
  return { query: before === '' ? after : after === '' ? before : `${before}&${after}`, signature: last.value };
}

const EXPIRY_STATE = { EXPIRED: 'expired', MALFORMED_EXPIRES: 'malformed', DUPLICATE_PARAMETER: 'repeated' } as const;

/** The query's `expires=` judged at the options' clock, as verification would once the signature matched. */
function explainExpiry(query: string, options: ExplainOptions): ExplainedExpiry | undefined {
  const found = findExpires(query);
  if (found === undefined) return undefined;
  const skew = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  const now = (options.now ?? Date.now)();
  const verdict = judgeExpiry(found, now, skew);
  if (!verdict.ok) return { raw: found.raw, expiresAt: parseExpires(found.raw), state: EXPIRY_STATE[verdict.reason], message: verdict.message };
  const left = verdict.expiresAt.getTime() - now;
  const at = verdict.expiresAt.toISOString();
  const message = left > 0 ? `Expires at ${at}, in ${describeSpan(left)}.` : `Expired at ${at}, ${describeSpan(left)} ago, but still accepted within the ${describeSpan(skew)} clock-skew allowance.`;
  return { raw: found.raw, expiresAt: verdict.expiresAt, state: 'current', message };
}

/** Adds a warning when the secret is not of a length the provider issues (it still signs). */
function withSecretWarning(warnings: UrlWarning[], credential: Credential | undefined): UrlWarning[] {
  const message = credential === undefined ? undefined : unusualSecretLength(credential.secret, getScheme(credential.scheme).usualSecretBytes);
  return message === undefined ? warnings : [...warnings, { code: 'SECRET_LENGTH', message, positions: [] }];
}

/**
 * The URL without its signature (and fragment), signed as `signUrl` would; `undefined` when it
 * cannot be signed (the refusal is what the report already explains).
 */
function* signCorrectly(parts: { origin: string; path: string; query: string | undefined }, credential: Credential, options: ExplainOptions): Generator<HmacRequest, string | undefined, string> {
  let plan: SignPlan;
  try {
    plan = planSignature(joinUrl(parts), credential, { maxLength: options.maxLength });
  } catch (error) {
    if (isMapsignError(error)) return undefined;
    throw error;
  }
  return finishSignature(plan, yield plan);
}

/**
 * Explains `url`: a generator that yields each HMAC request and expects its unpadded
 * base64url result back. Use `explainUrl` from `mapsign` or `mapsign/web` instead.
 *
 * @example runSync(explainSteps(url, credential), nodeHmac) // the report
 */
export function* explainSteps(url: string, credential: Credential | undefined, options: ExplainOptions = {}): Generator<HmacRequest, ExplainReport, string> {
  const guessed = credential === undefined && options.scheme === undefined;
  const scheme = getScheme(credential?.scheme ?? options.scheme ?? guessScheme(url));
  const parts = safeSplit(url);
  const base = {
    url,
    scheme: scheme.name,
    schemeGuessed: guessed,
    warnings: withSecretWarning(collectWarnings(url, parts, scheme.algorithm, options.maxLength), credential),
    origin: parts?.origin,
    path: parts?.path,
    params: (parts?.query === undefined ? [] : listParams(parts.query)).map((p) => ({ name: p.name, rawValue: p.value, value: decodeQueryComponent(p.value) })),
  };
  if (parts === undefined) {
    return { ...base, verdict: 'invalid', reason: 'MALFORMED_URL', message: REASON_MESSAGES.MALFORMED_URL, signedString: undefined, providedSignature: undefined, expectedSignature: undefined, likelyCauses: [] };
  }
  const origin = parts.origin === '' ? options.origin ?? '' : parts.origin;
  const { query, signature } = withoutLastSignature(parts.query ?? '');
  const signedString = scheme.signs === 'full-url' && origin === '' ? undefined : `${scheme.signs === 'full-url' ? origin : ''}${parts.path}?${query}`;
  const source = credential ?? ((id: string) => ({ scheme: scheme.name, id, secrets: [] }));
  const check = prepareVerification(url, source, options);
  const failure = 'valid' in check ? check : undefined;
  const expiry = explainExpiry(query, options);
  const report = expiry === undefined ? { ...base, signedString, providedSignature: signature } : { ...base, signedString, providedSignature: signature, expiry };
  if (credential === undefined || signedString === undefined) {
    const message = failure?.message ?? 'The URL is well formed; give the secret to check the signature.';
    return { ...report, verdict: failure ? 'invalid' : 'unchecked', reason: failure?.reason, message, expectedSignature: undefined, likelyCauses: [] };
  }
  const expected = yield { algorithm: scheme.algorithm, secret: credential.secret, message: signedString };
  const expectedSignature = padSignature(expected);
  if (failure === undefined && 'provided' in check && timingSafeEqualText(expected, check.provided)) {
    if (expiry !== undefined && expiry.state !== 'current') {
      const reason = expiry.state === 'expired' ? 'EXPIRED' : expiry.state === 'malformed' ? 'MALFORMED_EXPIRES' : 'DUPLICATE_PARAMETER';
      return { ...report, verdict: 'invalid', reason, message: `The signature is valid, but: ${expiry.message}`, expectedSignature, likelyCauses: [] };
    }
    return { ...report, verdict: 'valid', reason: undefined, message: 'The signature is valid.', expectedSignature, likelyCauses: [] };
  }
  const reason = failure?.reason ?? 'SIGNATURE_MISMATCH';
  const message = failure?.message ?? REASON_MESSAGES.SIGNATURE_MISMATCH;
  const fixed = yield* signCorrectly({ origin, path: parts.path, query: parts.query === undefined ? undefined : query }, credential, options);
  const withFix = fixed === undefined ? report : { ...report, signedUrl: fixed };
  if (signature === undefined) return { ...withFix, verdict: 'invalid', reason, message, expectedSignature, likelyCauses: [] };
  const provided = unpadSignature(signature);
  const causes: LikelyCause[] = [];
  if (provided === expected && reason === 'SIGNATURE_NOT_LAST') causes.push(cause('SIGNATURE_NOT_LAST', true));
  if (/[+/]/.test(provided) && provided.replace(/\+/g, '-').replace(/\//g, '_') === expected) causes.push(cause('STANDARD_BASE64', true));
  if (causes.length === 0) {
    for (const candidate of mistakeCandidates({ scheme, identityParam: credential.param ?? (findParams(query, 'client').length > 0 ? 'client' : 'key'), origin, path: parts.path, query, secret: credential.secret })) {
      if (causes.some((c) => c.code === candidate.cause)) continue;
      if ((yield candidate.request) !== provided) continue;
      causes.push(cause(candidate.cause, true, candidate.request.message === signedString ? undefined : candidate.request.message));
    }
  }
  if (causes.length === 0 && reason === 'SIGNATURE_MISMATCH') causes.push(cause('UNEXPLAINED', false));
  return { ...withFix, verdict: 'invalid', reason, message, expectedSignature, likelyCauses: causes };
}
