/**
 * Strict reading of a CNI_NETNS path: the runtime hands us a file path that ends up as an
 * argument of `ip`/`nsenter`, so only plain absolute paths are accepted, and named netns
 * (`/var/run/netns/<name>`) are told apart so `ip -n <name>` can be used for them.
 */

/** A pod network namespace: one `ip netns` knows by name, or any other bind mount / proc path. */
export type NetnsRef =
  | { readonly kind: 'named'; readonly name: string; readonly path: string }
  | { readonly kind: 'path'; readonly path: string };

/** Directories `ip netns` keeps its named namespaces in (the first is iproute2's own). */
export const NAMED_NETNS_DIRS = ['/var/run/netns', '/run/netns'] as const;

const COMPONENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const MAX_PATH = 1024;

/** Why a netns path was refused; the CNI layer turns it into code 4. */
export class NetnsPathError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`invalid netns path ${JSON.stringify(path)}: ${reason}`);
    this.name = 'NetnsPathError';
  }
}

/** Validates and classifies a netns path; throws NetnsPathError on anything unusual. */
export function parseNetnsPath(path: string): NetnsRef {
  if (path.length === 0) throw new NetnsPathError(path, 'empty');
  if (path.length > MAX_PATH) throw new NetnsPathError(path, `longer than ${MAX_PATH} characters`);
  if (!path.startsWith('/')) throw new NetnsPathError(path, 'not absolute');
  const parts = path.slice(1).split('/');
  for (const p of parts) {
    if (!COMPONENT.test(p)) {
      throw new NetnsPathError(path, `component ${JSON.stringify(p)} is empty, hidden or has characters other than letters, digits, '_', '.', '-'`);
    }
  }
  const dir = '/' + parts.slice(0, -1).join('/');
  const name = parts[parts.length - 1] as string;
  if ((NAMED_NETNS_DIRS as readonly string[]).includes(dir)) return { kind: 'named', name, path };
  if (parts[0] === 'proc') {
    // /proc/<pid>/ns/net or /proc/<pid>/task/<tid>/ns/net: nothing else in /proc is a netns.
    const ok = /^\/proc\/[1-9][0-9]*(\/task\/[1-9][0-9]*)?\/ns\/net$/.test(path);
    if (!ok) throw new NetnsPathError(path, 'a /proc path must be /proc/<pid>/ns/net');
  }
  return { kind: 'path', path };
}
