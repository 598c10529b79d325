/**
 * Host ends of pod veths that no pod record names. VETH mode creates a pod's veth pair before
 * its record is committed (a record must always find its netns side), so an agent that died
 * in between left the host end in its namespace, where nothing else would ever remove it.
 * Only links the agent can have made are touched: a veth whose peer lives in another
 * namespace (a pod's), named as `hostVethName` names a runtime's container ID (its first 15
 * of 64 lowercase hex digits). Other plugins' veths (`veth…`, `cali…`, `lxc…`) and the host
 * interconnect's (`vpp1`, both ends here) never match.
 */
import { batchLine, HOST, runIpBatch } from './ip-batch.js';
import { LINUX_IFNAME_MAX } from './pod-names.js';

const POD_HOST_VETH = new RegExp(`^[0-9a-f]{${LINUX_IFNAME_MAX}}$`);

/** One link as `ip -j -d link show` reports it (the fields read here). */
export interface LinkJson {
  readonly ifname?: unknown;
  readonly link_netnsid?: unknown;
  readonly linkinfo?: { readonly info_kind?: unknown };
}

/** The pod host veths among `links` whose names `keep` lacks. */
export function strayPodVeths(links: readonly LinkJson[], keep: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const l of links) {
    const name = l.ifname;
    if (typeof name !== 'string' || l.linkinfo?.info_kind !== 'veth' || l.link_netnsid === undefined) continue;
    if (POD_HOST_VETH.test(name) && !keep.has(name)) out.push(name);
  }
  return out;
}

/** The veths of the agent's namespace (one ip process). */
export async function readHostVeths(): Promise<LinkJson[]> {
  const out = await runIpBatch(HOST, ['link show type veth'], { json: true });
  const text = out.stdout.trim();
  return text === '' ? [] : (JSON.parse(text) as LinkJson[]);
}

/**
 * Deletes the stray pod veths of `links` (one ip process; a link already gone is no error)
 * and says which went and what failed; never throws (a start-up goes on without it).
 */
export async function removeStrayPodVeths(links: readonly LinkJson[], keep: ReadonlySet<string>): Promise<{ removed: string[]; errors: string[] }> {
  const stray = strayPodVeths(links, keep);
  if (stray.length === 0) return { removed: [], errors: [] };
  let out;
  try {
    out = await runIpBatch(HOST, stray.map((name) => batchLine('link', 'del', 'dev', name)), { force: true });
  } catch (err) {
    return { removed: [], errors: [(err as Error).message] };
  }
  // under -force ip reports each failing line as its error followed by "Command failed -:<line>"
  const failed = new Map<string, string>();
  let said = '';
  for (const line of out.stderr.split('\n')) {
    const at = /^Command failed -:(\d+)/.exec(line);
    if (at === null) said = line.trim();
    else failed.set(stray[Number(at[1]) - 1] ?? '', said);
  }
  const errors = [...failed].filter(([, why]) => !/Cannot find device|does not exist/.test(why)).map(([name, why]) => `${name}: ${why}`);
  return { removed: stray.filter((name) => !failed.has(name)), errors };
}
