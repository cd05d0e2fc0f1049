/**
 * The egress address policy: which hosts and resolved addresses an outbound call may reach.
 *
 * - Cloud metadata endpoints (and all of link-local, which is where they live) are always
 *   refused — a leaked instance credential is the classic SSRF prize.
 * - Private, loopback, CGNAT and unspecified addresses are refused unless the call allows
 *   private networks (private-model deployments such as vLLM or Ollama).
 * - Operators may add their own deny entries (IPs, CIDRs, host names, `.suffix` domains).
 *
 * The policy is checked on the address the socket will really connect to (see
 * egress-lookup.ts), so a host name that re-resolves to a forbidden address is still refused.
 */
import { BlockList, isIP } from 'node:net';

/** Why an address or host was refused; undefined means allowed. */
export type DenyReason = 'metadata' | 'private' | 'deny-list';

const METADATA_HOSTNAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);

function buildMetadataList(): BlockList {
  const list = new BlockList();
  list.addAddress('169.254.169.254', 'ipv4'); // AWS, GCP, Azure, OpenStack
  list.addAddress('169.254.170.2', 'ipv4'); // AWS ECS task credentials
  list.addAddress('100.100.100.200', 'ipv4'); // Alibaba Cloud
  list.addAddress('fd00:ec2::254', 'ipv6'); // AWS IMDS over IPv6
  list.addSubnet('169.254.0.0', 16, 'ipv4'); // all IPv4 link-local
  list.addSubnet('fe80::', 10, 'ipv6'); // all IPv6 link-local
  return list;
}

function buildPrivateList(): BlockList {
  const list = new BlockList();
  list.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network"; 0.0.0.0 reaches the local host
  list.addSubnet('10.0.0.0', 8, 'ipv4');
  list.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addSubnet('172.16.0.0', 12, 'ipv4');
  list.addSubnet('192.168.0.0', 16, 'ipv4');
  list.addAddress('::', 'ipv6');
  list.addAddress('::1', 'ipv6');
  list.addSubnet('fc00::', 7, 'ipv6'); // unique local
  return list;
}

const METADATA = buildMetadataList();
const PRIVATE = buildPrivateList();

/** `::ffff:a.b.c.d` / `::ffff:7f00:1` → `a.b.c.d`, so IPv4 rules apply to mapped addresses. */
export function normaliseIp(address: string): string {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const lower = bare.toLowerCase();
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/.exec(lower);
  if (!mapped || isIP(lower) !== 6) return lower;
  const tail = mapped[1] ?? '';
  if (isIP(tail) === 4) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(tail);
  if (!hex) return lower;
  const hi = parseInt(hex[1] ?? '0', 16);
  const lo = parseInt(hex[2] ?? '0', 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export interface AddressPolicyOptions {
  /** Extra deny entries: IPs, CIDRs (`10.1.0.0/16`), host names, or `.example.com` suffixes. */
  denyList?: readonly string[];
}

export interface AddressPolicy {
  /** Checks a resolved (or literal) IP address. */
  checkAddress(address: string, allowPrivateNetwork: boolean): DenyReason | undefined;
  /** Checks a host name before any resolution (metadata names, deny-listed names). */
  checkHostname(hostname: string): DenyReason | undefined;
}

function familyOf(ip: string): 'ipv4' | 'ipv6' | undefined {
  const v = isIP(ip);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : undefined;
}

function addDenyEntry(entry: string, ips: BlockList, names: Set<string>, suffixes: string[]): void {
  const trimmed = entry.trim().toLowerCase();
  if (trimmed === '') return;
  const [base = '', prefix] = trimmed.split('/');
  const family = familyOf(normaliseIp(base));
  if (family && prefix !== undefined) {
    const bits = Number(prefix);
    if (!Number.isInteger(bits) || bits < 0 || bits > (family === 'ipv4' ? 32 : 128)) {
      throw new Error(`egress deny list: invalid CIDR prefix in '${entry}'`);
    }
    ips.addSubnet(normaliseIp(base), bits, family);
  } else if (family) {
    ips.addAddress(normaliseIp(base), family);
  } else if (trimmed.startsWith('.')) {
    suffixes.push(trimmed);
  } else {
    names.add(trimmed.replace(/\.$/, ''));
  }
}

export function createAddressPolicy(options: AddressPolicyOptions = {}): AddressPolicy {
  const extraIps = new BlockList();
  const extraNames = new Set<string>();
  const extraSuffixes: string[] = [];
  for (const entry of options.denyList ?? []) addDenyEntry(entry, extraIps, extraNames, extraSuffixes);

  return {
    checkAddress(address, allowPrivateNetwork) {
      const ip = normaliseIp(address);
      const family = familyOf(ip);
      // Not an IP at all: refuse rather than guess (the lookup only hands us IPs).
      if (!family) return 'deny-list';
      if (METADATA.check(ip, family)) return 'metadata';
      if (extraIps.check(ip, family)) return 'deny-list';
      if (!allowPrivateNetwork && PRIVATE.check(ip, family)) return 'private';
      return undefined;
    },
    checkHostname(hostname) {
      const host = hostname.toLowerCase().replace(/\.$/, '');
      if (METADATA_HOSTNAMES.has(host)) return 'metadata';
      if (extraNames.has(host)) return 'deny-list';
      if (extraSuffixes.some((s) => host.endsWith(s) || host === s.slice(1))) return 'deny-list';
      return undefined;
    },
  };
}

/** Human text for an `egress_denied` message; names the host, never credentials. */
export function describeDenial(host: string, reason: DenyReason, address?: string): string {
  const where = address && address !== host ? `'${host}' (${address})` : `'${host}'`;
  if (reason === 'metadata') return `egress denied: ${where} is a cloud metadata or link-local address, which is never allowed`;
  if (reason === 'private') {
    return `egress denied: ${where} is a private or loopback address; set allowPrivateNetwork on the provider to reach private models`;
  }
  return `egress denied: ${where} is on the operator's egress deny list`;
}
