/** The egress client: the one way out of the hub. See core/egress.ts for the port. */
export { createEgress, type EgressOptions } from './egress-client.js';
export { createAddressPolicy, type AddressPolicy, type AddressPolicyOptions, type DenyReason } from './egress-address-policy.js';
