/**
 * The optional real-host effect of the simulator: in TAP mode with a host namespace, create
 * the Linux side of each TAP (name, MAC, MTU, address, gateway) with iproute2, as VPP does
 * over netlink. Needs root. Arguments go to `ip` as an argv array, never through a shell.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { RV } from './retval.js';
import type { HostTapSpec, SimHostView } from './state.js';

const NAME_RE = /^[A-Za-z0-9_.:-]{1,15}$/;
const NS_RE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Why an `ip` command failed (kept for diagnostics by the caller). */
export class HostTapError extends Error {
  override readonly name = 'HostTapError';
}

function nsName(namespace: string): string | undefined {
  if (namespace === '') return '';
  const name = namespace.startsWith('/') ? (/^\/(var\/)?run\/netns\/[^/]+$/.test(namespace) ? basename(namespace) : undefined) : namespace;
  if (name === undefined || !NS_RE.test(name)) return undefined;
  return existsSync(`/var/run/netns/${name}`) ? name : undefined;
}

function ip(ns: string, args: string[]): void {
  const argv = ns === '' ? args : ['-n', ns, ...args];
  const r = spawnSync('ip', argv, { encoding: 'utf8', timeout: 5000 });
  if (r.status !== 0) throw new HostTapError(`failed to run ip ${argv.join(' ')}: ${(r.stderr || String(r.error ?? r.status)).trim()}`);
}

/** Options of `linuxTapHost`. */
export interface LinuxTapHostOptions {
  /**
   * Named netns that stands in for the simulated VPP's own namespace: a TAP created without a
   * host namespace (the host interconnect's `vpp1`) lands there instead of in this process's
   * namespace, so a test can play "the host" in a throwaway netns.
   */
  readonly hostNetns?: string;
}

/** Host effects that make TAPs real Linux devices (pass as `host` to the simulator). */
export function linuxTapHost(onError: (err: HostTapError) => void = () => {}, opts: LinuxTapHostOptions = {}): Pick<SimHostView, 'createTap' | 'deleteTap'> {
  const place = (namespace: string) => (namespace === '' && opts.hostNetns !== undefined ? opts.hostNetns : namespace);
  return {
    createTap(spec: HostTapSpec): number {
      const ns = nsName(place(spec.namespace));
      if (ns === undefined) {
        onError(new HostTapError(`failed to open netns "${spec.namespace}": not a named netns`));
        return RV.SYSCALL_ERROR_2;
      }
      if (!NAME_RE.test(spec.name)) {
        onError(new HostTapError(`failed to name TAP "${spec.name}": not a valid Linux interface name`));
        return RV.NETLINK_ERROR;
      }
      try {
        ip(ns, ['tuntap', 'add', 'dev', spec.name, 'mode', spec.tun ? 'tun' : 'tap']);
      } catch (err) {
        onError(err as HostTapError);
        return RV.NETLINK_ERROR;
      }
      try {
        if (spec.mac !== undefined) ip(ns, ['link', 'set', 'dev', spec.name, 'address', spec.mac]);
        if (spec.mtu !== undefined) ip(ns, ['link', 'set', 'dev', spec.name, 'mtu', String(spec.mtu)]);
        ip(ns, ['link', 'set', 'dev', spec.name, 'up']);
        if (spec.ip4 !== undefined) ip(ns, ['addr', 'add', `${spec.ip4.address}/${spec.ip4.len}`, 'dev', spec.name]);
        if (spec.ip4Gw !== undefined) ip(ns, ['route', 'add', 'default', 'via', spec.ip4Gw, 'dev', spec.name, 'onlink']);
        return RV.OK;
      } catch (err) {
        onError(err as HostTapError);
        try { ip(ns, ['link', 'del', 'dev', spec.name]); } catch { /* already reported the first failure */ }
        return RV.NETLINK_ERROR;
      }
    },
    deleteTap(spec: { name: string; namespace: string }): void {
      const ns = nsName(place(spec.namespace));
      if (ns === undefined) return;
      try {
        ip(ns, ['link', 'del', 'dev', spec.name]);
      } catch (err) {
        onError(err as HostTapError);
      }
    },
  };
}
