/**
 * A DNS lookup for sockets that enforces the address policy on what the name resolves to at
 * connect time. Plugged into undici's `connect.lookup`, so every new connection (including
 * one after a DNS change — rebinding) is checked, not just the first.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { HubError } from '../core/errors.js';
import { describeDenial, type AddressPolicy } from './egress-address-policy.js';

/** The resolver the lookup asks (node's `dns.lookup` with `all: true`); replaceable in tests. */
export type AllAddressesResolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

export function createPolicyLookup(policy: AddressPolicy, allowPrivateNetwork: boolean, resolve: AllAddressesResolver = dnsLookup): LookupFunction {
  return function policyLookup(hostname, options: LookupOptions, callback) {
    const byName = policy.checkHostname(hostname);
    if (byName) {
      callback(new HubError('egress_denied', describeDenial(hostname, byName)), '', 0);
      return;
    }
    // Resolve every address so a name with one public and one private record is still refused.
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, '', 0);
        return;
      }
      for (const a of addresses) {
        const reason = policy.checkAddress(a.address, allowPrivateNetwork);
        if (reason) {
          callback(new HubError('egress_denied', describeDenial(hostname, reason, a.address)), '', 0);
          return;
        }
      }
      const first = addresses[0];
      if (options.all) callback(null, addresses);
      else if (first) callback(null, first.address, first.family);
      else callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
    });
  };
}
