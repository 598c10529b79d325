/**
 * Dispatch of decoded requests to the feature handlers, plus the session and control
 * messages (control_ping, show_version, get_first_msg_id, api_versions, cli_inband).
 * Pure: frames, ids and connections belong to `simulator.ts`.
 */
import { text, type Msg } from './fields.js';
import type { Handler, HandlerCtx, HandlerResult, OutMsg } from './handler.js';
import { interfaceHandlers } from './h-interface.js';
import { ipHandlers } from './h-ip.js';
import { l2Handlers } from './h-l2.js';
import { puntHandlers } from './h-punt.js';
import { RV } from './retval.js';
import type { PendingEvent } from './model.js';

/** What `show_version` reports: the release whose behaviour the simulator reproduces. */
export const SIM_VERSION = { program: 'vpe', version: '24.02-release', build_date: '2024-02-28T00:00:00', build_directory: '/ipnet/vpp-sim' } as const;

/** Module versions of 24.02 (vpp-api.md §0), for api_versions. */
const MODULES: readonly [string, number, number, number][] = [
  ['memclnt', 2, 1, 0], ['vlib', 1, 0, 0], ['vpe', 1, 7, 0], ['interface', 3, 2, 3], ['ip', 3, 2, 0],
  ['ip_neighbor', 1, 0, 1], ['arp', 1, 0, 0], ['tapv2', 4, 0, 0], ['l2', 3, 2, 0], ['af_packet', 2, 0, 0], ['vxlan', 2, 1, 0],
];

const controlHandlers: Record<string, Handler> = {
  // VPP leaves control_ping_reply.client_index uninitialised; the simulator sends 0
  control_ping: ({ pid }) => ({ retval: RV.OK, reply: { client_index: 0, vpe_pid: pid } }),
  show_version: () => ({ retval: RV.OK, reply: { ...SIM_VERSION } }),
  // per-module first ids are not contiguous here (ids are shuffled); only memclnt's are known
  get_first_msg_id: (_ctx, m) =>
    text(m, 'name').startsWith('memclnt_') ? { retval: RV.OK, reply: { first_msg_id: 1 } } : { retval: RV.INVALID_VALUE, reply: { first_msg_id: 0xffff } },
  api_versions: () => ({
    retval: RV.OK,
    reply: { count: MODULES.length, api_versions: MODULES.map(([name, major, minor, patch]) => ({ name, major, minor, patch })) },
  }),
  cli_inband: (_ctx, m) => {
    const cmd = text(m, 'cmd').trim();
    if (cmd === 'show version') return { retval: RV.OK, reply: { reply: `vpp v${SIM_VERSION.version} built by ipnet-sim\n` } };
    return { retval: RV.OK, reply: { reply: '' } };
  },
};

/** Every request the simulator handles, by message name. */
export const handlers: Readonly<Record<string, Handler>> = { ...controlHandlers, ...interfaceHandlers, ...ipHandlers, ...l2Handlers, ...puntHandlers };

/** Whether a request answers with a details stream rather than a reply. */
export function isDump(name: string): boolean {
  return name.endsWith('_dump');
}

const byName = new Map(Object.entries(handlers));
const replyNames = new Map<string, string>();

/** `<name>_reply`, built once per message name rather than once per call. */
function replyName(name: string): string {
  let reply = replyNames.get(name);
  if (reply === undefined) {
    reply = `${name}_reply`;
    replyNames.set(name, reply);
  }
  return reply;
}

/** Runs one request; returns the messages to send back (context copied) or undefined if unhandled. */
export function dispatch(ctx: HandlerCtx, name: string, m: Msg, override?: number): { out: OutMsg[]; retval: number | undefined } | undefined {
  const h = byName.get(name);
  if (h === undefined) return undefined;
  const context = typeof m.context === 'number' ? m.context : 0;
  const dump = isDump(name);
  let res: HandlerResult;
  if (override === undefined) res = h(ctx, m);
  else res = dump ? { details: [] } : { retval: override };
  // the handlers' bodies are fresh objects: the header goes straight onto them (per-message hot path)
  if (dump) {
    const details = res.details ?? [];
    for (const d of details) d.body.context = context;
    return { out: details.slice(), retval: undefined };
  }
  const retval = res.retval ?? RV.OK;
  const body = res.reply ?? {};
  body.context = context;
  body.retval = retval;
  return { out: [{ name: replyName(name), body }], retval };
}

/** The `sw_interface_event` body for one batched change (flags name what happened, not the full state). */
export function eventBody(e: PendingEvent, clientIndex: number, pid: number): Msg {
  return { client_index: clientIndex, pid, sw_if_index: e.swIfIndex, flags: (e.adminUp ? 1 : 0) | (e.linkUp ? 2 : 0), deleted: e.deleted };
}
