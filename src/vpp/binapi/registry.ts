/**
 * The registry of every message layout the agent, bridge and simulator speak, keyed by plain
 * message name, with the derived TypeScript types of decoded and encodable bodies.
 */
import type { InOf, OutOf } from './codec.js';
import { bind, type MessageDef } from './define.js';
import { interfaceMessages } from './msgs/interface.js';
import { ipMessages } from './msgs/ip.js';
import { l2Messages } from './msgs/l2.js';
import { memclntMessages } from './msgs/memclnt.js';
import { tapMessages } from './msgs/tap.js';

/** All message definitions by name (VPP 24.02 layouts and CRCs). */
export const messages = bind({
  ...memclntMessages,
  ...interfaceMessages,
  ...tapMessages,
  ...ipMessages,
  ...l2Messages,
});

/** Name of a message this codec knows. */
export type MessageName = keyof typeof messages;
/** Decoded body of message `N`, header fields included (`context`, `retval`, …). */
export type MessageBody<N extends MessageName> = OutOf<(typeof messages)[N]['codec']>;
/** Encodable body of message `N`: every field optional, zero when absent. */
export type MessageInput<N extends MessageName> = InOf<(typeof messages)[N]['codec']>;

const byName = new Map<string, MessageDef>(Object.values(messages).map((d) => [d.name, d as unknown as MessageDef]));
const byNameCrc = new Map<string, MessageDef>(Object.values(messages).map((d) => [d.nameCrc, d as unknown as MessageDef]));

/** Definition of a message by plain name, for code that handles names as data. */
export function defOf(name: string): MessageDef | undefined {
  return byName.get(name);
}

/** Definition by `name_crc`, as a message table names it. */
export function defOfNameCrc(nameCrc: string): MessageDef | undefined {
  return byNameCrc.get(nameCrc);
}

/** `name_crc` of a known message (`control_ping` → `control_ping_51077d14`): the handshake key. */
export function nameCrc(name: MessageName | string): string {
  const d = byName.get(name);
  if (d === undefined) throw new Error(`failed to look up message ${name}: not defined in the codec`);
  return d.nameCrc;
}

/** Every defined message name, in registry order (the simulator allocates ids from it). */
export function messageNames(): MessageName[] {
  return [...byName.keys()] as MessageName[];
}
