/**
 * `ipamConfig` compilation: CIDR parsing and normalisation, ContivCIDR dissection (spec
 * ipam-and-nodes §4) and the cross-checks between subnets, so IPAM receives effective,
 * consistent subnets and never re-validates them.
 */
import type { IPv4CidrRange } from '../util/ip-num.js';
import type { IpamConfig } from './types.js';
import { cidrText, isFailure, nthSubnet, overlaps, parseCidr, parseIPv4, prefixOf } from './net.js';
import type { ObjectReader } from './reader.js';
import { typeName } from './reader.js';

/** Built-in `ipamConfig` values (contiv's code defaults). */
export const ipamDefaults = {
  serviceCIDR: '10.96.0.0/12',
  podSubnetCIDR: '10.1.0.0/16',
  podSubnetOneNodePrefixLen: 24,
  vppHostSubnetCIDR: '172.30.0.0/16',
  vppHostSubnetOneNodePrefixLen: 24,
  vxlanCIDR: '192.168.30.0/24',
} as const;

/** ContivCIDR needs 18 host bits: two /16s plus the /23 interconnect slices. */
const contivMaxPrefix = 32 - 18;
/** One-node prefix length ContivCIDR mode uses for pod and host subnets (32 − 7). */
const contivOneNodeLen = 25;
/** Longest pod slice that still has an allocatable address (4 seqs are reserved). */
const podMaxOneNodeLen = 29;
/** Longest host-interconnect slice: it needs host addresses 1 (VPP) and 2 (Linux). */
const hostMaxOneNodeLen = 30;

interface Subnet {
  readonly net: IPv4CidrRange;
  /** The key that produced it (as written), named in overlap problems. */
  readonly key: string;
}

/** Reads one CIDR key; host bits are a warning (normalised), syntax is an error. */
function readCidr(r: ObjectReader, key: string, dflt: string | undefined): Subnet | undefined {
  const written = r.optString(key);
  // An empty string is "unset" for optional keys (what templated deployments render).
  const text = written === '' && dflt === undefined ? undefined : (written ?? dflt);
  if (text === undefined) return undefined;
  const parsed = parseCidr(text);
  if (isFailure(parsed)) {
    r.sink.error(r.pathOf(key), text, parsed.reason);
    return undefined;
  }
  if (!parsed.aligned) {
    r.sink.warning(r.pathOf(key), text, `host bits set; normalised to ${cidrText(parsed.network)}`);
  }
  return { net: parsed.network, key: r.pathOf(key) };
}

/** Checks a one-node prefix length against its cluster-wide subnet. */
function checkOneNodeLen(r: ObjectReader, key: string, len: number, cluster: Subnet | undefined, max: number): void {
  const path = r.has(key) ? r.pathOf(key) : (cluster?.key ?? r.pathOf(key));
  if (cluster !== undefined && len <= prefixOf(cluster.net)) {
    r.sink.error(path, len, `prefix length for one node (${len}) must be higher than the cluster-wide subnet prefix length (${prefixOf(cluster.net)})`);
  } else if (len > max) {
    r.sink.error(path, len, `prefix length for one node must be at most ${max}, or the node slice has no usable address`);
  }
}

/** Reads the keys ContivCIDR replaces, warning when they are written but ignored. */
function readReplaced(r: ObjectReader, contiv: Subnet | undefined): {
  pod: Subnet | undefined; host: Subnet | undefined; vxlan: Subnet | undefined; podLen: number; hostLen: number;
} {
  const keys = ['podSubnetCIDR', 'vppHostSubnetCIDR', 'vxlanCIDR', 'podSubnetOneNodePrefixLen', 'vppHostSubnetOneNodePrefixLen'];
  if (contiv !== undefined) {
    for (const key of keys) {
      if (r.has(key)) r.sink.warning(r.pathOf(key), r.value(key), `ignored: ${contiv.key} is set and determines this value`);
    }
  }
  const pod = readCidr(r, 'podSubnetCIDR', ipamDefaults.podSubnetCIDR);
  const host = readCidr(r, 'vppHostSubnetCIDR', ipamDefaults.vppHostSubnetCIDR);
  const vxlan = readCidr(r, 'vxlanCIDR', ipamDefaults.vxlanCIDR);
  const podLen = r.uint('podSubnetOneNodePrefixLen', 8, ipamDefaults.podSubnetOneNodePrefixLen);
  const hostLen = r.uint('vppHostSubnetOneNodePrefixLen', 8, ipamDefaults.vppHostSubnetOneNodePrefixLen);
  if (contiv === undefined) return { pod, host, vxlan, podLen, hostLen };
  const key = contiv.key;
  return {
    pod: { net: nthSubnet(contiv.net, 16, 0), key },
    host: { net: nthSubnet(contiv.net, 16, 1), key },
    vxlan: { net: nthSubnet(contiv.net, 23, 257), key },
    podLen: contivOneNodeLen,
    hostLen: contivOneNodeLen,
  };
}

/** Reports every pair of effective subnets that share addresses (on the later key). */
function checkOverlaps(r: ObjectReader, named: ReadonlyArray<readonly [string, Subnet | undefined]>): void {
  for (let j = 0; j < named.length; j++) {
    const [, b] = named[j] ?? [];
    if (b === undefined) continue;
    for (let i = 0; i < j; i++) {
      const [nameA, a] = named[i] ?? [];
      if (a === undefined || a.key === b.key || !overlaps(a.net, b.net)) continue;
      r.sink.error(b.key, cidrText(b.net), `overlaps ${nameA} (${cidrText(a.net)})`);
    }
  }
}

/** srv6 SID prefixes are accepted for contiv compatibility only (IPv6 is out of scope). */
function readSrv6(r: ObjectReader): void {
  const v = r.value('srv6');
  if (v === undefined) return;
  if (typeof v !== 'object' || Array.isArray(v)) {
    r.sink.error(r.pathOf('srv6'), v, `must be a mapping, got ${typeName(v)}`);
    return;
  }
  for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
    if (typeof item !== 'string' || !/^[0-9a-fA-F:]+\/[0-9]{1,3}$/.test(item)) {
      r.sink.error(`${r.pathOf('srv6')}.${k}`, item, 'not a valid IPv6 prefix');
    }
  }
}

/** Compiles `ipamConfig` into effective subnets; problems go to the reader's sink. */
export function compileIpam(r: ObjectReader): IpamConfig {
  const useExternalIPAM = r.bool('useExternalIPAM', false);
  const nodeInterconnectDHCP = r.bool('nodeInterconnectDHCP', false);
  const contiv = readCidr(r, 'contivCIDR', undefined);
  if (contiv !== undefined && prefixOf(contiv.net) > contivMaxPrefix) {
    r.sink.error(contiv.key, cidrText(contiv.net), `ContivCIDR is not valid, network must provide at least 18 bits of space (prefix length at most ${contivMaxPrefix})`);
  }
  const usable = contiv !== undefined && prefixOf(contiv.net) <= contivMaxPrefix ? contiv : undefined;
  const { pod, host, vxlan, podLen, hostLen } = readReplaced(r, usable);
  const service = readCidr(r, 'serviceCIDR', ipamDefaults.serviceCIDR);
  const configuredNode = readCidr(r, 'nodeInterconnectCIDR', undefined);
  const node = configuredNode ?? (usable !== undefined && !nodeInterconnectDHCP
    ? { net: nthSubnet(usable.net, 23, 256), key: usable.key } : undefined);
  const gwText = r.optString('defaultGateway');
  const gw = gwText === undefined || gwText === '' ? undefined : parseIPv4(gwText);
  if (gw !== undefined && isFailure(gw)) r.sink.error(r.pathOf('defaultGateway'), gwText, gw.reason);
  readSrv6(r);
  checkOneNodeLen(r, 'podSubnetOneNodePrefixLen', podLen, pod, podMaxOneNodeLen);
  checkOneNodeLen(r, 'vppHostSubnetOneNodePrefixLen', hostLen, host, hostMaxOneNodeLen);
  checkOverlaps(r, [
    ['ipamConfig.podSubnetCIDR', pod],
    ['ipamConfig.vppHostSubnetCIDR', host],
    ['ipamConfig.nodeInterconnectCIDR', node],
    ['ipamConfig.vxlanCIDR', vxlan],
    ['ipamConfig.serviceCIDR', service],
  ]);
  r.finish();
  return {
    useExternalIPAM,
    contivCIDR: contiv === undefined ? undefined : cidrText(contiv.net),
    serviceCIDR: cidrText(service?.net ?? parseDefault(ipamDefaults.serviceCIDR)),
    nodeInterconnectDHCP,
    podSubnetCIDR: cidrText(pod?.net ?? parseDefault(ipamDefaults.podSubnetCIDR)),
    podSubnetOneNodePrefixLen: podLen,
    vppHostSubnetCIDR: cidrText(host?.net ?? parseDefault(ipamDefaults.vppHostSubnetCIDR)),
    vppHostSubnetOneNodePrefixLen: hostLen,
    nodeInterconnectCIDR: node === undefined ? undefined : cidrText(node.net),
    vxlanCIDR: cidrText(vxlan?.net ?? parseDefault(ipamDefaults.vxlanCIDR)),
    defaultGateway: gw === undefined || isFailure(gw) ? undefined : gw.toString(),
  };
}

/** A built-in default CIDR (only reached when the configured one failed, i.e. on error). */
function parseDefault(text: string): IPv4CidrRange {
  const parsed = parseCidr(text);
  if (isFailure(parsed)) throw new Error(`failed to parse built-in default ${text}: ${parsed.reason}`);
  return parsed.network;
}
