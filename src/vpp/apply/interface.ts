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
import { realiseAlone, type SendLater, type UndoList } from './undo.js';

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

/** Sends the create (none for a NIC) and waits for the sw_if_index: everything else needs it. */
function createDevice(ctx: ApplyContext, v: VppInterfaceValue, undo: UndoList): Promise<number> {
  const { ch } = ctx;
  switch (v.type) {
    case 'TAP': {
      const host = ctx.tapHost?.(v.name);
      return undo.call(createTap(ch, {
        tag: v.name, mac: v.phys_address, rxRingSize: v.tap?.rx_ring_size ?? DEFAULT_TAP_RING,
        txRingSize: v.tap?.tx_ring_size ?? DEFAULT_TAP_RING, hostMtu: v.mtu, hostIfName: host?.hostIfName, hostNamespace: host?.namespace,
      }), `delete TAP ${v.name}`, (idx) => deleteTap(ch, idx));
    }
    case 'SOFTWARE_LOOPBACK':
      return undo.call(createLoopback(ch, v.phys_address), `delete loopback ${v.name}`, (idx) => deleteLoopback(ch, idx));
    case 'AF_PACKET': {
      const host = v.afpacket?.host_if_name ?? '';
      return undo.call(createAfPacket(ch, host, v.phys_address), `delete AF_PACKET ${v.name}`, () => deleteAfPacket(ch, host));
    }
    case 'VXLAN_TUNNEL': {
      const spec = vxlanSpec(v);
      return undo.call(createVxlan(ch, spec), `delete VXLAN tunnel ${v.name}`, () => deleteVxlan(ch, spec));
    }
    default:
      return Promise.resolve(mustIf(ctx.index, v.name));
  }
}

/**
 * Creates (or, for a NIC, takes over) an interface and applies its settings. A created
 * device's settings are handed back to be sent together once the create is answered
 * (apply sends them in the same message as the next step's calls): deleting the device
 * takes them all back, whichever of them ran. A NIC's settings are sent one by one here, as
 * VPP runs calls sent behind a failing one and a NIC's previous MAC, MTU and rx mode are
 * not known to undo.
 */
export async function createInterface(ctx: ApplyContext, v: VppInterfaceValue, undo: UndoList): Promise<SendLater | undefined> {
  const { ch, index } = ctx;
  const idx = await createDevice(ctx, v, undo);
  const prevName = index.ifName(idx);
  index.setIf(v.name, idx);
  undo.push(`forget ${v.name} in the name index`, () => {
    index.deleteIf(v.name);
    if (prevName !== undefined) index.setIf(prevName, idx);
  });
  const physical = isPhysical(v);
  const settings: Setting[] = [];
  // A TAP carries its tag from creation; a created device loses everything when deleted.
  if (v.type !== 'TAP') {
    settings.push({ send: () => setTag(ch, idx, v.name, true), inverse: physical ? [`untag ${v.name}`, () => setTag(ch, idx, v.name, false)] : undefined });
  }
  const mac = v.phys_address;
  if (physical && mac !== undefined) settings.push({ send: () => setMac(ch, idx, mac) });
  const mtu = v.mtu;
  if (mtu !== undefined) settings.push({ send: () => setMtu(ch, idx, mtu) });
  const rx = v.rx_mode_settings?.rx_mode;
  if (rx !== undefined) settings.push({ send: () => setRxMode(ch, idx, rx) });
  if (v.enabled) {
    settings.push({ send: () => setAdminUp(ch, idx, true), inverse: physical ? [`set ${v.name} down`, () => setAdminUp(ch, idx, false)] : undefined });
  }
  if (!physical) return () => settings.forEach((s) => undo.call(s.send()));
  for (const s of settings) await undo.call(s.send(), s.inverse?.[0], s.inverse?.[1]);
  return undefined;
}

/** One setting call of a new interface, with its inverse where the interface outlives a revert. */
interface Setting {
  readonly send: () => Promise<unknown>;
  readonly inverse?: readonly [what: string, run: () => Promise<unknown>] | undefined;
}

/** Deletes an interface (a NIC is only taken down); the inverse re-creates it from its value. */
export async function deleteInterface(ctx: ApplyContext, v: VppInterfaceValue, undo: UndoList): Promise<void> {
  const { ch, index } = ctx;
  const idx = mustIf(index, v.name);
  if (isPhysical(v)) {
    if (v.enabled) undo.call(setAdminUp(ch, idx, false), `set ${v.name} up`, () => setAdminUp(ch, idx, true));
    else undo.call(setAdminUp(ch, idx, false));
    return;
  }
  const sent = v.type === 'TAP' ? deleteTap(ch, idx)
    : v.type === 'SOFTWARE_LOOPBACK' ? deleteLoopback(ch, idx)
      : v.type === 'AF_PACKET' ? deleteAfPacket(ch, v.afpacket?.host_if_name ?? '')
        : v.type === 'VXLAN_TUNNEL' ? deleteVxlan(ch, vxlanSpec(v)) : undefined;
  // The re-creation's own inverses are dropped: a revert is never reverted.
  const recreate = (): Promise<void> => realiseAlone((u) => createInterface(ctx, v, u));
  if (sent !== undefined) await undo.call(sent, `re-create ${v.name}`, recreate);
  else undo.push(`re-create ${v.name}`, recreate);
  // After the reply: the name stays resolvable if the delete failed, and a later step may reuse it.
  index.deleteIf(v.name);
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
