/**
 * VPP interfaces: create per type (TAP, loopback, AF_PACKET, VXLAN; a physical NIC already
 * exists and is only configured), the common settings (tag, MTU, rx mode, MAC, admin
 * state), in-place updates and deletes, each success recording its inverse.
 */
import { createAfPacket, deleteAfPacket } from '../api/afpacket.js';
import { setAdminUp, setMac, setMtu, setRxMode, setTag } from '../api/interfaces.js';
import { createLoopback, deleteLoopback } from '../api/loopback.js';
import { mustIf } from '../api/names.js';
import { createTap, DEFAULT_TAP_RING, deleteTap } from '../api/tap.js';
import { createVxlan, deleteVxlan, type VxlanSpec } from '../api/vxlan.js';
import type { VppInterfaceValue } from '../../desired/model.js';
import type { ApplyContext } from './context.js';
import { UndoList } from './undo.js';

/** Physical NICs: VPP owns their lifetime, ipnet only configures them. */
export function isPhysical(v: VppInterfaceValue): boolean {
  return v.type === 'DPDK' || v.type === 'VMXNET3_INTERFACE';
}

/** The VXLAN key of a tunnel value; the encap VRF is the tunnel's own VRF (the main VRF). */
export function vxlanSpec(v: VppInterfaceValue): VxlanSpec {
  const x = v.vxlan;
  if (x === undefined) throw new Error(`failed to create VXLAN tunnel ${v.name}: no vxlan settings`);
  return { src: x.src_address, dst: x.dst_address, vni: x.vni, encapVrf: v.vrf };
}

async function createDevice(ctx: ApplyContext, v: VppInterfaceValue, undo: UndoList): Promise<number> {
  const { ch } = ctx;
  switch (v.type) {
    case 'TAP': {
      const host = ctx.tapHost?.(v.name);
      const idx = await createTap(ch, {
        tag: v.name, mac: v.phys_address, rxRingSize: v.tap?.rx_ring_size ?? DEFAULT_TAP_RING,
        txRingSize: v.tap?.tx_ring_size ?? DEFAULT_TAP_RING, hostMtu: v.mtu, hostIfName: host?.hostIfName, hostNamespace: host?.namespace,
      });
      undo.push(`delete TAP ${v.name}`, () => deleteTap(ch, idx));
      return idx;
    }
    case 'SOFTWARE_LOOPBACK': {
      const idx = await createLoopback(ch, v.phys_address);
      undo.push(`delete loopback ${v.name}`, () => deleteLoopback(ch, idx));
      return idx;
    }
    case 'AF_PACKET': {
      const host = v.afpacket?.host_if_name ?? '';
      const idx = await createAfPacket(ch, host, v.phys_address);
      undo.push(`delete AF_PACKET ${v.name}`, () => deleteAfPacket(ch, host));
      return idx;
    }
    case 'VXLAN_TUNNEL': {
      const spec = vxlanSpec(v);
      const idx = await createVxlan(ch, spec);
      undo.push(`delete VXLAN tunnel ${v.name}`, () => deleteVxlan(ch, spec));
      return idx;
    }
    default:
      return mustIf(ctx.index, v.name);
  }
}

/** Creates (or, for a NIC, takes over) an interface and applies its settings. */
export async function createInterface(ctx: ApplyContext, v: VppInterfaceValue, undo: UndoList): Promise<void> {
  const { ch, index } = ctx;
  const idx = await createDevice(ctx, v, undo);
  const prevName = index.ifName(idx);
  index.setIf(v.name, idx);
  undo.push(`forget ${v.name} in the name index`, () => {
    index.deleteIf(v.name);
    if (prevName !== undefined) index.setIf(prevName, idx);
  });
  const physical = isPhysical(v);
  // A TAP carries its tag from creation; a created device loses everything when deleted.
  if (v.type !== 'TAP') {
    await setTag(ch, idx, v.name, true);
    if (physical) undo.push(`untag ${v.name}`, () => setTag(ch, idx, v.name, false));
  }
  if (physical && v.phys_address !== undefined) await setMac(ch, idx, v.phys_address);
  if (v.mtu !== undefined) await setMtu(ch, idx, v.mtu);
  if (v.rx_mode_settings !== undefined) await setRxMode(ch, idx, v.rx_mode_settings.rx_mode);
  if (v.enabled) {
    await setAdminUp(ch, idx, true);
    if (physical) undo.push(`set ${v.name} down`, () => setAdminUp(ch, idx, false));
  }
}

/** Deletes an interface (a NIC is only taken down); the inverse re-creates it from its value. */
export async function deleteInterface(ctx: ApplyContext, v: VppInterfaceValue, undo: UndoList): Promise<void> {
  const { ch, index } = ctx;
  const idx = mustIf(index, v.name);
  if (isPhysical(v)) {
    await setAdminUp(ch, idx, false);
    if (v.enabled) undo.push(`set ${v.name} up`, () => setAdminUp(ch, idx, true));
    return;
  }
  switch (v.type) {
    case 'TAP': await deleteTap(ch, idx); break;
    case 'SOFTWARE_LOOPBACK': await deleteLoopback(ch, idx); break;
    case 'AF_PACKET': await deleteAfPacket(ch, v.afpacket?.host_if_name ?? ''); break;
    case 'VXLAN_TUNNEL': await deleteVxlan(ch, vxlanSpec(v)); break;
  }
  index.deleteIf(v.name);
  // The re-creation's own inverses are dropped: a revert is never reverted.
  undo.push(`re-create ${v.name}`, () => createInterface(ctx, v, new UndoList()));
}

/** Applies changed settings in place; each change's inverse restores the previous value. */
export async function updateInterface(ctx: ApplyContext, prev: VppInterfaceValue, v: VppInterfaceValue, undo: UndoList): Promise<void> {
  const { ch } = ctx;
  const idx = mustIf(ctx.index, v.name);
  if (v.phys_address !== undefined && v.phys_address.toLowerCase() !== prev.phys_address?.toLowerCase()) {
    await setMac(ch, idx, v.phys_address);
    const old = prev.phys_address;
    if (old !== undefined) undo.push(`restore MAC of ${v.name}`, () => setMac(ch, idx, old));
  }
  if (v.mtu !== undefined && v.mtu !== prev.mtu) {
    await setMtu(ch, idx, v.mtu);
    const old = prev.mtu;
    if (old !== undefined) undo.push(`restore MTU of ${v.name}`, () => setMtu(ch, idx, old));
  }
  const mode = v.rx_mode_settings?.rx_mode;
  if (mode !== undefined && mode !== prev.rx_mode_settings?.rx_mode) {
    await setRxMode(ch, idx, mode);
    const old = prev.rx_mode_settings?.rx_mode;
    if (old !== undefined) undo.push(`restore rx mode of ${v.name}`, () => setRxMode(ch, idx, old));
  }
  if (v.enabled !== prev.enabled) {
    await setAdminUp(ch, idx, v.enabled);
    undo.push(`restore admin state of ${v.name}`, () => setAdminUp(ch, idx, prev.enabled));
  }
}
