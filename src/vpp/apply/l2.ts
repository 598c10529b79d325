/** Bridge domains (named by their tag), their members and static L2 FIB entries. */
import { createBridgeDomain, deleteBridgeDomain, l2fibAddDel, setL2Bridge } from '../api/l2.js';
import { mustBd, mustIf } from '../api/names.js';
import type { VppBridgeDomainMemberValue, VppBridgeDomainValue, VppL2FibValue } from '../../desired/model.js';
import type { ApplyContext } from './context.js';
import type { UndoList } from './undo.js';

function sendCreateBd(ctx: ApplyContext, v: VppBridgeDomainValue): Promise<number> {
  return createBridgeDomain(ctx.ch, { tag: v.name, learn: v.learn, forward: v.forward, flood: v.flood, uuFlood: v.unknown_unicast_flood });
}

async function createBd(ctx: ApplyContext, v: VppBridgeDomainValue): Promise<void> {
  ctx.index.setBd(v.name, await sendCreateBd(ctx, v));
}

/** A bridge domain; VPP picks the id, the index remembers it under the name. */
export async function bridgeDomain(ctx: ApplyContext, v: VppBridgeDomainValue, add: boolean, undo: UndoList): Promise<void> {
  // Both directions wait for the reply: members in later steps resolve the id by name.
  if (add) {
    const id = await undo.call(sendCreateBd(ctx, v), `delete bridge domain ${v.name}`, async (created) => {
      await deleteBridgeDomain(ctx.ch, created);
      ctx.index.deleteBd(v.name);
    });
    ctx.index.setBd(v.name, id);
    return;
  }
  await undo.call(deleteBridgeDomain(ctx.ch, mustBd(ctx.index, v.name)), `re-create bridge domain ${v.name}`, () => createBd(ctx, v));
  ctx.index.deleteBd(v.name);
}

/** A member (BVI or normal port with its split-horizon group). */
export function bdMember(ctx: ApplyContext, v: VppBridgeDomainMemberValue, add: boolean, undo: UndoList): void {
  const idx = mustIf(ctx.index, v.name);
  const bd = mustBd(ctx.index, v.bridge_domain);
  const bvi = v.bridged_virtual_interface;
  undo.call(setL2Bridge(ctx.ch, idx, bd, bvi, v.split_horizon_group, add), `${add ? 'remove' : 'add'} ${v.name} ${add ? 'from' : 'to'} ${v.bridge_domain}`,
    () => setL2Bridge(ctx.ch, idx, bd, bvi, v.split_horizon_group, !add));
}

/** A static L2 FIB entry. */
export function l2fib(ctx: ApplyContext, v: VppL2FibValue, add: boolean, undo: UndoList): void {
  const e = {
    bdId: mustBd(ctx.index, v.bridge_domain), mac: v.phys_address.toLowerCase(), swIfIndex: mustIf(ctx.index, v.outgoing_interface),
    isStatic: v.static_config, bviMac: v.bridged_virtual_interface, filterMac: false,
  };
  undo.call(l2fibAddDel(ctx.ch, e, add), `${add ? 'delete' : 'add'} L2 FIB ${e.mac}`, () => l2fibAddDel(ctx.ch, e, !add));
}
