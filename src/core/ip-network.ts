/**
 * Client networks for a credential's `--allow-ip`: IPv4 and IPv6 addresses and CIDR blocks,
 * parsed strictly into 16-byte form and matched bit by bit.
 *
 * IPv4 lives inside IPv6 as the IPv4-mapped range `::ffff:0:0/96` (RFC 4291 §2.5.5.2), so
 * `203.0.113.7`, the `::ffff:203.0.113.7` a dual-stack Node socket reports, and a network
 * written either way all compare alike. IPv4 is dotted decimal only, without leading zeros:
 * `010.0.0.1` is octal to some parsers and decimal to others, so it is refused rather than
 * guessed (RFC 6943 §3.1.1).
 */
import { MapsignError } from './errors.js';

/** A parsed CIDR block. */
export interface IpNetwork {
  /** The network address, 16 bytes (IPv4 mapped). */
  readonly bytes: Uint8Array;
  /** Prefix length over the 128 bits (an IPv4 `/24` is 120). */
  readonly prefix: number;
}

const IPV4_PART = /^(?:0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!IPV4_PART.test(part) || Number(part) > 255) return undefined;
    bytes.push(Number(part));
  }
  return bytes;
}

/** 16-bit groups of one side of `::`, the last possibly a dotted IPv4 address (two groups). */
function groupsOf(text: string, last: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (last && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else if (HEX_GROUP.test(part)) groups.push(parseInt(part, 16));
    else return undefined;
  }
  return groups;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const gap = text.indexOf('::');
  if (gap !== text.lastIndexOf('::')) return undefined;
  const head = groupsOf(gap < 0 ? text : text.slice(0, gap), gap < 0);
  const tail = gap < 0 ? [] : groupsOf(text.slice(gap + 2), true);
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (gap < 0 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(gap < 0 ? 0 : missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  return bytes;
}

/**
 * The 16-byte form of an IPv4 or IPv6 address, or `undefined` when `text` is not one. A zone
 * (`fe80::1%eth0`) is ignored, as it names an interface, not an address.
 *
 * @example parseIpAddress('203.0.113.7') // the bytes of ::ffff:203.0.113.7
 */
export function parseIpAddress(text: string): Uint8Array | undefined {
  const zone = text.indexOf('%');
  const address = zone < 0 ? text : text.slice(0, zone);
  if (!address.includes(':')) {
    const v4 = parseIpv4(address);
    if (v4 === undefined) return undefined;
    const bytes = new Uint8Array(16);
    bytes[10] = 0xff;
    bytes[11] = 0xff;
    bytes.set(v4, 12);
    return bytes;
  }
  return parseIpv6(address);
}

function invalid(text: string, why: string): MapsignError {
  return new MapsignError('INVALID_ARGUMENT', `The client network ${JSON.stringify(text.slice(0, 60))} ${why}; write an address or a CIDR block such as 203.0.113.0/24 or 2001:db8::/32.`);
}

/**
 * Parses an address or CIDR block (`203.0.113.0/24`, `2001:db8::/32`, `::ffff:10.0.0.0/104`,
 * `198.51.100.7` for one address). Bits set past the prefix are refused (`10.0.0.1/8` is a
 * typo for a host or a network; it says which). Throws `INVALID_ARGUMENT`.
 *
 * @example parseIpNetwork('203.0.113.0/24').prefix // 120
 */
export function parseIpNetwork(text: string): IpNetwork {
  if (text.includes('%')) throw invalid(text, 'has a zone (%…)');
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIpAddress(address);
  if (bytes === undefined) throw invalid(text, 'is not an IPv4 or IPv6 address');
  const v4 = !address.includes(':');
  const width = v4 ? 32 : 128;
  const bits = slash < 0 ? String(width) : text.slice(slash + 1);
  if (!/^(?:0|[1-9]\d{0,2})$/.test(bits) || Number(bits) > width) throw invalid(text, `has a prefix length that is not 0 to ${width}`);
  const prefix = Number(bits) + (v4 ? 96 : 0);
  const network = { bytes, prefix };
  for (let bit = prefix; bit < 128; bit++) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) throw invalid(text, `has bits set beyond /${bits} (a network address has them all zero)`);
  }
  return network;
}

/**
 * True when `address` (16 bytes from {@link parseIpAddress}) is inside `network`.
 *
 * @example networkContains(parseIpNetwork('203.0.113.0/24'), parseIpAddress('::ffff:203.0.113.9')!) // true
 */
export function networkContains(network: IpNetwork, address: Uint8Array): boolean {
  const whole = network.prefix >> 3;
  for (let i = 0; i < whole; i++) if (network.bytes[i] !== address[i]) return false;
  const rest = network.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (network.bytes[whole]! & mask) === (address[whole]! & mask);
}
