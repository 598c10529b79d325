/**
 * One planned operation → the VPP calls that realise it, by item kind, using exactly the
 * messages `descriptors.calls` lists. Linux items are not this layer's (see layers.ts).
 */
import type { Op } from '../../desired/plan.js';
import { UnsupportedOpError, type ApplyContext } from './context.js';
import { createInterface, deleteInterface, isPhysical, updateInterface } from './interface.js';
import { bdMember, bridgeDomain, l2fib } from './l2.js';
import { arp, interfaceAddress, interfaceVrf, proxyArp, punt, route, scanNeigh, stn, unnumbered, vrfTable } from './l3.js';
import type { SendLater, UndoList } from './undo.js';

/**
 * Sends the calls of one op, recording each success's inverse in `undo`. Returns a promise
 * only where the op waits for a reply (a create); the others return once their calls are
 * sent, so the caller can send the next step's in the same tick, and throw bad input at once.
 * The promise may resolve to the calls that follow the reply, for the caller to send.
 */
export function realise(ctx: ApplyContext, op: Op, undo: UndoList): Promise<SendLater | undefined | void> | void {
  const it = op.item;
  const add = op.op !== 'delete';
  const unsupported = (why: string): never => {
    throw new UnsupportedOpError(op.op, op.key, why);
  };
  if (op.op === 'update') {
    const prev = op.previous;
    if (prev === undefined || prev.kind !== it.kind) return unsupported('update without the previous value');
    switch (it.kind) {
      case 'vpp-interface': return updateInterface(ctx, prev.value as typeof it.value, it.value, undo);
      case 'vpp-arp': return arp(ctx, it.value, true, undo, prev.value as typeof it.value);
      case 'vpp-vrf-table': return vrfTable(ctx, it.value, true, undo, prev.value as typeof it.value);
      case 'vpp-ipscanneigh': return scanNeigh(ctx, it.value, true, undo, prev.value as typeof it.value);
      // bridge_flags is not in the binary-API codec yet, so flags cannot change in place.
      default: return unsupported(`${it.kind} has no in-place update in this layer`);
    }
  }
  switch (it.kind) {
    case 'vpp-interface': return add ? createInterface(ctx, it.value, undo) : deleteInterface(ctx, it.value, undo);
    case 'vpp-interface-vrf': return interfaceVrf(ctx, it.value, add, undo);
    case 'vpp-interface-address': return interfaceAddress(ctx, it.value, add, undo);
    case 'vpp-interface-unnumbered': return unnumbered(ctx, it.value, add, undo);
    case 'vpp-route': return route(ctx, it.value, add, undo);
    case 'vpp-arp': return arp(ctx, it.value, add, undo);
    case 'vpp-vrf-table': return vrfTable(ctx, it.value, add, undo);
    case 'vpp-ipscanneigh': return scanNeigh(ctx, it.value, add, undo);
    case 'vpp-proxyarp': return proxyArp(ctx, it.value, add, undo);
    case 'vpp-stn-rule': return stn(ctx, it.value, add, undo);
    case 'vpp-punt-redirect': return punt(ctx, it.value, add, undo);
    case 'vpp-bridge-domain': return bridgeDomain(ctx, it.value, add, undo);
    case 'vpp-bd-member': return bdMember(ctx, it.value, add, undo);
    case 'vpp-l2fib': return l2fib(ctx, it.value, add, undo);
    case 'vpp-interface-dhcp': return unsupported('dhcp_client_config is not in the binary-API codec');
    case 'linux-interface':
    case 'linux-route':
    case 'linux-arp':
      return unsupported('Linux items are applied by the Linux layer (src/linux), not through VPP');
  }
}

/**
 * Whether an op may only be sent once everything before it succeeded, as it cannot be taken
 * back exactly and so must not run behind a failed call: deleting a device or bridge domain
 * (the re-creation gets a new index, which the inverses recorded before it still name), and
 * setting up a NIC or changing an interface in place (a NIC's previous MAC, MTU and rx mode
 * are not known). Creates no longer hold the steps after them back until VPP answers (they
 * hand out stand-ins), so this is what keeps these from running behind a failed create.
 */
export function needsSettledPast(op: Op): boolean {
  const it = op.item;
  if (it.kind === 'vpp-interface' && (op.op === 'update' || isPhysical(it.value))) return true;
  if (op.op !== 'delete') return false;
  return it.kind === 'vpp-bridge-domain' || (it.kind === 'vpp-interface' && !isPhysical(it.value));
}
