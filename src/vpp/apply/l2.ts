/** Bridge domains (named by their tag), their members and static L2 FIB entries. */
import { createBridgeDomain, deleteBridgeDomain, l2fibAddDel, setL2Bridge } from '../api/l2.js';
import { mustBd, mustIf } from '../api/names.js';
import type { VppBridgeDomainMemberValue, VppBridgeDomainValue, VppL2FibValue } from '../../desired/model.js';
import type { ApplyContext } from './context.js';
import type { UndoList } from './undo.js';

async function createBd(ctx: ApplyContext, v: VppBridgeDomainValue): Promise<number> {
  const id = await createBridgeDomain(ctx.ch, { tag: v.name, learn: v.learn, forward: v.forward, flood: v.flood, uuFlood: v.unknown_unicast_flood });
  ctx.index.setBd(v.name, id);
  return id;
}

/** A bridge domain; VPP picks the id, the index remembers it under the name. */
export async function bridgeDomain(ctx: ApplyContext, v: VppBridgeDomainValue, add: boolean, undo: UndoList): Promise<void> {
  if (add) {
    const id = await createBd(ctx, v);
    undo.push(`delete bridge domain ${v.name}`, async () => {
      await deleteBridgeDomain(ctx.ch, id);
      ctx.index.deleteBd(v.name);
    });
    return;
  }
  await deleteBridgeDomain(ctx.ch, mustBd(ctx.index, v.name));
  ctx.index.deleteBd(v.name);
  undo.push(`re-create bridge domain ${v.name}`, () => createBd(ctx, v));
}

/** A member (BVI or normal port with its split-horizon group). */
export async function bdMember(ctx: ApplyContext, v: VppBridgeDomainMemberValue, add: boolean, undo: UndoList): Promise<void> {
  const idx = mustIf(ctx.index, v.name);
  const bd = mustBd(ctx.index, v.bridge_domain);
  const bvi = v.bridged_virtual_interface;
  await setL2Bridge(ctx.ch, idx, bd, bvi, v.split_horizon_group, add);
  undo.push(`${add ? 'remove' : 'add'} ${v.name} ${add ? 'from' : 'to'} ${v.bridge_domain}`,
    () => setL2Bridge(ctx.ch, idx, bd, bvi, v.split_horizon_group, !add));
}

/** A static L2 FIB entry. */
export async function l2fib(ctx: ApplyContext, v: VppL2FibValue, add: boolean, undo: UndoList): Promise<void> {
  const e = {
    bdId: mustBd(ctx.index, v.bridge_domain), mac: v.phys_address.toLowerCase(), swIfIndex: mustIf(ctx.index, v.outgoing_interface),
    isStatic: v.static_config, bviMac: v.bridged_virtual_interface, filterMac: false,
  };
  await l2fibAddDel(ctx.ch, e, add);
  undo.push(`${add ? 'delete' : 'add'} L2 FIB ${e.mac}`, () => l2fibAddDel(ctx.ch, e, !add));
}
