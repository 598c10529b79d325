/**
 * Baseline for the AddPod figure, measured in the same run: the VPP calls one AddPod makes,
 * sent by a bare bridge client with no agent logic around them, the way the agent sends them:
 * in one message, the calls after the TAP create naming it by its stand-in, when the bridge
 * takes stand-ins; else in two flights (the create, then the rest once its sw_if_index is
 * known). The difference to the agent's AddPod is what the agent itself adds (actors, IPAM,
 * planning, the record).
 */
import type { BridgeClient } from '../src/vpp/bridge/client.js';
import type { Msg } from '../src/vpp/bridge/calls.js';
import { since } from './agent-harness.js';

/** One VPP call as the agent made it. */
export interface RecordedCall {
  readonly name: string;
  readonly body: Msg;
}

/** Wraps the client's calls so those made while `fn` runs are recorded. */
export async function recordCalls(client: BridgeClient, fn: () => Promise<unknown>): Promise<RecordedCall[]> {
  const calls: RecordedCall[] = [];
  const request = client.request.bind(client);
  const requestIndexed = client.requestIndexed.bind(client);
  client.request = (name, body, opts) => {
    calls.push({ name, body: structuredClone(body ?? {}) as Msg });
    return request(name, body, opts);
  };
  client.requestIndexed = (name, body, field, opts) => {
    calls.push({ name, body: structuredClone(body) as Msg });
    return requestIndexed(name, body, field, opts);
  };
  try {
    await fn();
  } finally {
    client.request = request;
    client.requestIndexed = requestIndexed;
  }
  return calls;
}

/**
 * Switches the client between its stand-ins and none, as through a bridge that does not take
 * them: with `two(true)` apply awaits each create before sending what names it.
 */
export function flightSwitch(client: BridgeClient): (two: boolean) => void {
  const indexed = client.requestIndexed.bind(client);
  const awaited: BridgeClient['requestIndexed'] = (name, body, _field, opts) => ({ standIn: undefined, reply: client.request(name, body, opts) });
  return (two) => {
    client.requestIndexed = two ? awaited : indexed;
  };
}

/**
 * Replays an AddPod's calls `n` times as fresh pods: the TAP is created under a new id, MAC and
 * tag, the IPv4 address the calls carry is shifted, and the new sw_if_index replaces the old
 * one in the calls that follow. Returns each replay's wall time in ms.
 */
export async function replayAddPods(client: BridgeClient, calls: readonly RecordedCall[], n: number, first = 1): Promise<number[]> {
  const [create, ...rest] = calls;
  if (create?.name !== 'tap_create_v3' || rest.length === 0) throw new Error(`unexpected AddPod calls: ${calls.map((c) => c.name).join(', ')}`);
  // the index the recorded calls name is the one the agent's create got back
  const recorded = rest.map((c) => c.body['sw_if_index']).find((x): x is number => typeof x === 'number');
  if (recorded === undefined) throw new Error('the recorded AddPod calls name no sw_if_index');
  const out: number[] = [];
  for (let i = first; i < first + n; i++) {
    const body = { ...create.body, id: 0xffffffff, mac_address: macOf(i), tag: `floor-${i}` };
    const t0 = process.hrtime.bigint();
    client.gather();
    const created = client.requestIndexed(create.name, body, 'sw_if_index');
    const sent = created.standIn === undefined ? undefined : rest.map((c) => client.request(c.name, rewrite(c.body, recorded, created.standIn as number, i) as Msg));
    const reply = (await created.reply) as { sw_if_index: number };
    await Promise.all(sent ?? rest.map((c) => client.request(c.name, rewrite(c.body, recorded, reply.sw_if_index, i) as Msg)));
    out.push(since(t0));
  }
  return out;
}

function macOf(i: number): Buffer {
  return Buffer.from([0x02, 0xfe, 0xf1, (i >> 16) & 255, (i >> 8) & 255, i & 255]);
}

/** Deep copy with `from` replaced by `to` in `*sw_if_index` fields and IPv4 addresses made unique by `i`. */
function rewrite(v: unknown, from: number, to: number, i: number, key = ''): unknown {
  if (ArrayBuffer.isView(v)) {
    if (key === 'ip4' && v.byteLength === 4) return Buffer.from([10, 200 + ((i >> 16) & 31), (i >> 8) & 255, i & 255]);
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
  if (Array.isArray(v)) return v.map((x) => rewrite(x, from, to, i));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x, from, to, i, k)]));
  }
  if (key.endsWith('sw_if_index') && v === from) return to;
  return v;
}
