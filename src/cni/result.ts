/**
 * The version-independent result a handler returns for ADD, and its rendering in the exact
 * shape of each spec version (0.3.x/0.4.0 carry `version` in ips; 1.1.0 adds MTU and route
 * attributes), so handlers never deal with versions.
 */
import type { CniVersion } from './versions.js';
import { compareVersions } from './versions.js';

/** One interface the pod got (sandbox side) or the host side of it. */
export interface ResultInterface {
  readonly name: string;
  readonly mac?: string;
  /** Netns path for sandbox interfaces; absent for host interfaces. */
  readonly sandbox?: string;
  /** Printed for 1.1.0 only. */
  readonly mtu?: number;
}

/** One address; `interface` indexes `interfaces`. */
export interface ResultIp {
  /** CIDR, e.g. `10.1.1.2/32`. */
  readonly address: string;
  readonly gateway?: string;
  readonly interface?: number;
}

/** One route inside the pod. */
export interface ResultRoute {
  readonly dst: string;
  readonly gw?: string;
  /** 1.1.0-only attributes; dropped for older versions. */
  readonly mtu?: number;
  readonly advmss?: number;
  readonly priority?: number;
  readonly table?: number;
  readonly scope?: number;
}

/** DNS settings (ipnet returns none today; kept for completeness of the contract). */
export interface ResultDns {
  readonly nameservers?: readonly string[];
  readonly domain?: string;
  readonly search?: readonly string[];
  readonly options?: readonly string[];
}

/** What an ADD handler returns: the pod's interfaces, addresses, routes and DNS. */
export interface PodNetworkResult {
  readonly interfaces: readonly ResultInterface[];
  readonly ips: readonly ResultIp[];
  readonly routes: readonly ResultRoute[];
  readonly dns?: ResultDns;
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Renders a result as the JSON object of spec version `v`, keys in the spec's order. */
export function formatResult(result: PodNetworkResult, v: CniVersion): Record<string, unknown> {
  const legacy = compareVersions(v, '1.0.0') < 0;
  const v11 = compareVersions(v, '1.1.0') >= 0;
  const interfaces = result.interfaces.map((i) =>
    defined({ name: i.name, mac: i.mac, mtu: v11 ? i.mtu : undefined, sandbox: i.sandbox }));
  const ips = result.ips.map((ip) =>
    defined({
      version: legacy ? (ip.address.includes(':') ? '6' : '4') : undefined,
      interface: ip.interface,
      address: ip.address,
      gateway: ip.gateway,
    }));
  const routes = result.routes.map((r) =>
    defined(v11
      ? { dst: r.dst, gw: r.gw, mtu: r.mtu, advmss: r.advmss, priority: r.priority, table: r.table, scope: r.scope }
      : { dst: r.dst, gw: r.gw }));
  const d = result.dns ?? {};
  const dns = defined({
    nameservers: d.nameservers ? [...d.nameservers] : undefined,
    domain: d.domain,
    search: d.search ? [...d.search] : undefined,
    options: d.options ? [...d.options] : undefined,
  });
  return { cniVersion: v, interfaces, ips, routes, dns };
}

/** The bytes printed on stdout (4-space indented JSON, like the reference plugins). */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 4);
}
