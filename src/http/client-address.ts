/**
 * The address of the client a request came from, for `--allow-ip` and the access log.
 *
 * It is the TCP peer, unless the peer is a proxy the operator trusts (`--trust-proxy`): then
 * `X-Forwarded-For` is read from its end, where each trusted proxy appended the address it saw,
 * and the first address that is not itself a trusted proxy is the client. Anything a client
 * wrote further left is never reached, so a client cannot choose its own address. (This is the
 * rightmost-untrusted reading MDN's "X-Forwarded-For" page recommends for security uses.)
 * What is found there must be an IP address; anything else is no address at all.
 */
import { parseIpAddress } from '../core/ip-network.js';

/**
 * The client address of a request, or `undefined` when there is none to read (no peer, or an
 * entry that is not an IP address where the address should be). Node gives repeated headers
 * as a list: they are read as one, in order.
 *
 * @example clientAddress('10.0.0.5', '198.51.100.7, 203.0.113.9', (a) => a === '10.0.0.5') // '203.0.113.9'
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | readonly string[] | undefined, trusts: (address: string) => boolean): string | undefined {
  if (peer === undefined || forwardedFor === undefined || !trusts(peer)) return peer;
  const hops = (typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',')).split(',');
  let address: string = peer;
  for (let i = hops.length - 1; i >= 0 && trusts(address); i--) address = hops[i]!.trim();
  return address === peer || parseIpAddress(address) !== undefined ? address : undefined;
}
