/**
 * CIDR matching against a second implementation: Node's `net.BlockList`, for random IPv4 and
 * IPv6 networks and addresses, with IPv4 addresses also written in their IPv4-mapped IPv6
 * form (which `BlockList` checks against IPv4 subnets too).
 */
import assert from 'node:assert/strict';
import { BlockList } from 'node:net';
import { test } from 'node:test';
import fc from 'fast-check';
import { networkContains, parseIpAddress, parseIpNetwork } from '../../src/core/ip-network.js';

/** `bytes` with every bit from `prefix` on cleared. */
function masked(bytes: readonly number[], prefix: number): number[] {
  return bytes.map((byte, i) => {
    const keep = Math.max(0, Math.min(8, prefix - 8 * i));
    return byte & ((0xff << (8 - keep)) & 0xff);
  });
}

const ipv4 = (bytes: readonly number[]): string => bytes.join('.');
const ipv6 = (bytes: readonly number[]): string => Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(':');

test('IPv4 networks match as net.BlockList does, for plain and mapped addresses', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 }), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.boolean(), fc.boolean(), (net, prefix, address, near, mapped) => {
      // Half the time an address sharing the network's whole bytes: inside, or a near miss.
      const candidate = near ? [...masked(net, prefix).slice(0, Math.floor(prefix / 8)), ...address.slice(Math.floor(prefix / 8))] : address;
      const network = ipv4(masked(net, prefix));
      const list = new BlockList();
      list.addSubnet(network, prefix, 'ipv4');
      const text = mapped ? `::ffff:${ipv4(candidate)}` : ipv4(candidate);
      const expected = list.check(text, mapped ? 'ipv6' : 'ipv4');
      assert.equal(networkContains(parseIpNetwork(`${network}/${prefix}`), parseIpAddress(text)!), expected, `${text} in ${network}/${prefix}`);
    }),
    { numRuns: 2000 },
  );
});

test('IPv6 networks match as net.BlockList does', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 128 }), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }), fc.integer({ min: 0, max: 128 }), (net, prefix, address, shared) => {
      // The address shares its first `shared` bits with the network, so near misses are common.
      const candidate = address.map((byte, i) => {
        const keep = Math.max(0, Math.min(8, shared - 8 * i));
        const mask = (0xff << (8 - keep)) & 0xff;
        return (net[i]! & mask) | (byte & ~mask & 0xff);
      });
      const network = ipv6(masked(net, prefix));
      const list = new BlockList();
      list.addSubnet(network, prefix, 'ipv6');
      const text = ipv6(candidate);
      assert.equal(networkContains(parseIpNetwork(`${network}/${prefix}`), parseIpAddress(text)!), list.check(text, 'ipv6'), `${text} in ${network}/${prefix}`);
    }),
    { numRuns: 2000 },
  );
});
