/**
 * The credential options shared by `sign`, `verify` and `explain` — `--scheme`, `--client`,
 * `--key`, and the secret sources — turned into a parsed core `Credential`.
 *
 * What each scheme needs: google, `--client ID` or `--key KEY` (neither when the URLs carry
 * `client=` or `key=`) and a base64url secret; streetmaps, `--key KEY` (same) and a base64url
 * secret; maptiler, only the token `KEY_SECRET` as the secret, which names its key itself.
 * A secret of an unusual length signs; a warning goes to stderr.
 */
import { credentialInput, parseCredential, type Credential, type CredentialInput } from '../core/credential.js';
import type { Scheme } from '../core/schemes/scheme.js';
import { unusualSecretLength } from '../core/secret-text.js';
import type { CliIo, OptionValues } from './command.js';
import { SCHEME_OPTIONS } from './scheme-option.js';
import { missingSecretMessage, readSecret, SECRET_OPTIONS } from './secret-source.js';
import { UsageError } from './usage-error.js';

/** `--scheme`, `--client`, `--key` and the secret sources. */
export const CREDENTIAL_OPTIONS = {
  ...SCHEME_OPTIONS,
  client: { type: 'string', value: 'ID', help: 'google: the client ID (gme-…), unless the URLs carry client=' },
  key: { type: 'string', value: 'KEY', help: 'google or streetmaps: the API key, unless the URLs carry key=' },
  ...SECRET_OPTIONS,
} as const;

/** The `--help` note on what the secret is, for commands with {@link CREDENTIAL_OPTIONS}. */
export const CREDENTIAL_NOTE = `The secret: google (client ID or API key) and streetmaps, the URL-safe base64 URL signing
secret; maptiler, the whole token KEY_SECRET (it names the key, so --key is not needed).`;

type SecretIo = Pick<CliIo, 'stdin' | 'stderr' | 'env'>;

const LABELS = { google: 'Google signing secret', streetmaps: 'Streetmaps signing secret', maptiler: 'MapTiler token (KEY_SECRET)' } as const;

/** Parsed option values a credential is built from. */
export type CredentialValues = OptionValues<Omit<typeof CREDENTIAL_OPTIONS, 'scheme'>>;

function input(scheme: Scheme, secret: string, client: string | undefined, key: string | undefined): CredentialInput {
  if (scheme.name !== 'google' && client !== undefined) {
    throw new UsageError(`--client is for Google client IDs; ${scheme.name} ${scheme.name === 'maptiler' ? 'takes its key from the token' : 'uses --key'} (or sign with --scheme google --client).`);
  }
  if (scheme.name === 'maptiler' && key !== undefined) throw new UsageError('A maptiler token KEY_SECRET names its key: drop --key.');
  if (client !== undefined && key !== undefined) {
    throw new UsageError('Give --client (a Google client ID) or --key (an API key), not both: Google rejects a URL that carries both.');
  }
  return credentialInput(scheme.name, client ?? key, secret, client === undefined ? 'key' : 'client');
}

/**
 * Reads the secret and parses the credential for `scheme`; `undefined` when no secret was
 * given and `required` is false. Bad secret text throws the core's `MapsignError`
 * (`INVALID_SECRET`, `INVALID_TOKEN`), whose message never repeats the secret.
 *
 * @example const credential = await credentialFrom(values, scheme, io, { required: true })
 */
export function credentialFrom(values: CredentialValues, scheme: Scheme, io: SecretIo, options: { readonly required: true }): Promise<Credential>;
export function credentialFrom(values: CredentialValues, scheme: Scheme, io: SecretIo, options: { readonly required: boolean }): Promise<Credential | undefined>;
export async function credentialFrom(values: CredentialValues, scheme: Scheme, io: SecretIo, options: { readonly required: boolean }): Promise<Credential | undefined> {
  const { client, key } = values;
  const prompt = values['ask-secret'] === true ? 'always' : options.required ? 'auto' : 'never';
  const secret = await readSecret(io, { file: values['secret-file'], label: LABELS[scheme.name], prompt });
  if (secret === undefined) {
    if (options.required) throw new UsageError(missingSecretMessage());
    return undefined;
  }
  const credential = parseCredential(input(scheme, secret, client, key));
  const warning = unusualSecretLength(credential.secret, scheme.usualSecretBytes);
  if (warning !== undefined) io.stderr.write(`mapsign: warning: ${warning}\n`);
  return credential;
}
