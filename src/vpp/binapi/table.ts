/**
 * Message-ID resolution (spec §1.4). VPP assigns ids at start-up, so every id except the
 * memclnt module's comes from the handshake's `name_crc → id` table; a missing key means the
 * plugin is absent or the layout changed, and the message must not be sent.
 */
import { UnknownMessageError } from './errors.js';
import type { MessageDef } from './define.js';
import { defOf, defOfNameCrc, messageNames } from './registry.js';

/** The memclnt module's fixed ids (memclnt.api order from 1); the only ids a client may assume. */
export const MEMCLNT_IDS = {
  memclnt_create: 1,
  memclnt_create_reply: 2,
  memclnt_delete: 3,
  memclnt_delete_reply: 4,
  rx_thread_exit: 5,
  memclnt_rx_thread_suspend: 6,
  memclnt_read_timeout: 7,
  rpc_call: 8,
  rpc_call_reply: 9,
  get_first_msg_id: 10,
  get_first_msg_id_reply: 11,
  api_versions: 12,
  api_versions_reply: 13,
  trace_plugin_msg_ids: 14,
  sockclnt_create: 15,
  sockclnt_create_reply: 16,
  sockclnt_delete: 17,
  sockclnt_delete_reply: 18,
  sock_init_shm: 19,
  sock_init_shm_reply: 20,
  memclnt_keepalive: 21,
  memclnt_keepalive_reply: 22,
  control_ping: 23,
  control_ping_reply: 24,
  memclnt_create_v2: 25,
  memclnt_create_v2_reply: 26,
} as const;

/** Highest fixed memclnt id; a simulator allocates the others above it. */
export const LAST_MEMCLNT_ID = 26;

/** One `name_crc → id` pair, the shape of `sockclnt_create_reply.message_table[]`. */
export interface MessageTableEntry {
  readonly index: number;
  readonly name: string;
}

/** `name_crc ↔ id` for one VPP (or simulator) run; void after a VPP restart. */
export class MessageTable {
  private readonly idByNameCrc = new Map<string, number>();
  private readonly nameCrcById = new Map<number, string>();
  private readonly defs: (MessageDef | undefined)[] = [];
  private readonly idByName = new Map<string, number>();

  /** Builds from handshake pairs; memclnt messages we define get their fixed id if the pairs lack them. */
  constructor(pairs: Iterable<readonly [nameCrc: string, id: number]>) {
    for (const [key, id] of pairs) this.add(key, id, true);
    for (const [name, id] of Object.entries(MEMCLNT_IDS)) {
      const d = defOf(name);
      if (d !== undefined && !this.idByNameCrc.has(d.nameCrc) && !this.nameCrcById.has(id)) this.add(d.nameCrc, id, false);
    }
  }

  /** Table from a decoded `sockclnt_create_reply.message_table`. */
  static fromEntries(entries: readonly MessageTableEntry[]): MessageTable {
    return new MessageTable(entries.map((e) => [e.name, e.index] as const));
  }

  /** The table a client has before the handshake: only the fixed memclnt ids. */
  static bootstrap(): MessageTable {
    return new MessageTable([]);
  }

  /**
   * The table a server (the simulator) hands out: memclnt at its fixed ids, every other known
   * message numbered from `firstId` in the order given, so no client can rely on real VPP ids.
   */
  static assign(names: readonly string[] = messageNames(), firstId = LAST_MEMCLNT_ID + 1): MessageTable {
    const pairs: [string, number][] = [];
    let next = firstId;
    for (const name of names) {
      const d = defOf(name);
      if (d === undefined) throw new Error(`failed to assign an id to ${name}: not defined in the codec`);
      const fixed = (MEMCLNT_IDS as Record<string, number>)[name];
      pairs.push([d.nameCrc, fixed ?? next++]);
    }
    return new MessageTable(pairs);
  }

  private add(key: string, id: number, strict: boolean): void {
    if (!Number.isInteger(id) || id < 1 || id > 0xffff) {
      if (strict) throw new Error(`failed to build message table: id ${id} of ${key} is not a u16 above 0`);
      return;
    }
    const prev = this.nameCrcById.get(id);
    if (prev !== undefined && prev !== key) throw new Error(`failed to build message table: id ${id} given to both ${prev} and ${key}`);
    this.idByNameCrc.set(key, id);
    this.nameCrcById.set(id, key);
    const d = defOfNameCrc(key);
    if (d !== undefined) {
      this.defs[id] = d;
      this.idByName.set(d.name, id);
    }
  }

  /** Id to put in `_vl_msg_id` for a message we define; throws UnknownMessageError if VPP lacks it. */
  idOf(name: string): number {
    const id = this.idByName.get(name);
    if (id !== undefined) return id;
    const d = defOf(name);
    throw new UnknownMessageError(name, d?.nameCrc ?? name);
  }

  /** Whether VPP serves this message with our layout (e.g. a plugin is loaded). */
  has(name: string): boolean {
    return this.idByName.has(name);
  }

  /** Plain name of a message id we can decode; undefined for ids we do not define. */
  nameOf(id: number): string | undefined {
    return this.defs[id]?.name;
  }

  /** Definition behind an id, for decode and header peeking. */
  defAt(id: number): MessageDef | undefined {
    return this.defs[id];
  }

  /** `name_crc` behind any id in the table, including messages this codec does not define. */
  nameCrcOf(id: number): string | undefined {
    return this.nameCrcById.get(id);
  }

  /** All pairs, ordered by id: what a server puts in `sockclnt_create_reply.message_table`. */
  entries(): MessageTableEntry[] {
    return [...this.nameCrcById.entries()].sort((a, b) => a[0] - b[0]).map(([index, name]) => ({ index, name }));
  }

  /** Number of pairs. */
  get size(): number {
    return this.nameCrcById.size;
  }
}
