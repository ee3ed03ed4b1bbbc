/**
 * A second, independent HMAC implementation for tests: Python's standard `hmac`, `hashlib` and
 * `base64`, run once per batch in a `python3` subprocess. Keys travel as hex so that neither
 * side's base64 decoder is trusted by the other; results come back as URL-safe base64 with
 * padding, as Google's and MapTiler's reference code prints them.
 */
import { execFileSync } from 'node:child_process';

/** One HMAC for Python to compute. */
export interface PythonHmacCase {
  readonly algorithm: 'SHA-1' | 'SHA-256';
  /** The key bytes, hex. */
  readonly keyHex: string;
  /** The exact string signed (encoded as UTF-8). */
  readonly message: string;
}

const SCRIPT = `
import base64, hashlib, hmac, json, sys
cases = json.load(sys.stdin)
out = []
for c in cases:
    digest = hashlib.sha1 if c["algorithm"] == "SHA-1" else hashlib.sha256
    mac = hmac.new(bytes.fromhex(c["keyHex"]), c["message"].encode("utf-8"), digest).digest()
    out.append(base64.urlsafe_b64encode(mac).decode("ascii"))
json.dump(out, sys.stdout)
`;

/**
 * The URL-safe base64 HMACs (with `=` padding) of every case, computed by Python.
 *
 * @example pythonHmacs([{ algorithm: 'SHA-1', keyHex: '00', message: '/p?key=k' }])[0]
 */
export function pythonHmacs(cases: readonly PythonHmacCase[]): string[] {
  const output = execFileSync('python3', ['-c', SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8' });
  return JSON.parse(output) as string[];
}
