/**
 * VPP interfaces: create per type (TAP, loopback, AF_PACKET, VXLAN; a physical NIC already
 * exists and is only configured), the common settings (tag, MTU, rx mode, MAC, admin
 * state), in-place updates and deletes, each success recording its inverse.
 */
import { createAfPacket, deleteAfPacket } from '../api/afpacket.js';
import { setAdminUp, setMac, setMtu, setRxMode, setTag } from '../api/interfaces.js';
import { createLoopback, deleteLoopback } from '../api/loopback.js';
import type { Created } from '../api/channel.js';
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

/** Sends the create of a device (not a NIC) and records its inverse. */
function createDevice(ctx: ApplyContext, v: VppInterfaceValue, undo: UndoList): Created {
  const { ch } = ctx;
  const created = ((): Created | undefined => {
    switch (v.type) {
      case 'TAP': {
        const host = ctx.tapHost?.(v.name);
        return createTap(ch, {
          tag: v.name, mac: v.phys_address, rxRingSize: v.tap?.rx_ring_size ?? DEFAULT_TAP_RING,
          txRingSize: v.tap?.tx_ring_size ?? DEFAULT_TAP_RING, hostMtu: v.mtu, hostIfName: host?.hostIfName, hostNamespace: host?.namespace,
        });
      }
      case 'SOFTWARE_LOOPBACK': return createLoopback(ch, v.phys_address);
      case 'AF_PACKET': return createAfPacket(ch, v.afpacket?.host_if_name ?? '', v.phys_address);
      case 'VXLAN_TUNNEL': return createVxlan(ch, vxlanSpec(v));
      default: return undefined;
    }
  })();
  // an interface of another type (memif) already exists: it is only configured
  if (created === undefined) return { standIn: undefined, index: new Promise((resolve) => resolve(mustIf(ctx.index, v.name))) };
  undo.call(created.index, `delete ${DEVICE_WORD[v.type] ?? v.type} ${v.name}`, (idx) => deleteDevice(ch, v, idx));
  return created;
}

const DEVICE_WORD: Partial<Record<VppInterfaceValue['type'], string>> = {
  TAP: 'TAP', SOFTWARE_LOOPBACK: 'loopback', AF_PACKET: 'AF_PACKET', VXLAN_TUNNEL: 'VXLAN tunnel',
};

/** Deletes a created device by its index (or, where VPP keys it so, by its settings). */
function deleteDevice(ch: ApplyContext['ch'], v: VppInterfaceValue, idx: number): Promise<unknown> {
  switch (v.type) {
    case 'TAP': return deleteTap(ch, idx);
    case 'SOFTWARE_LOOPBACK': return deleteLoopback(ch, idx);
    case 'AF_PACKET': return deleteAfPacket(ch, v.afpacket?.host_if_name ?? '');
    default: return deleteVxlan(ch, vxlanSpec(v));
  }
}

/**
 * Creates (or, for a NIC, takes over) an interface and applies its settings; deleting a
 * created device takes them all back, whichever of them ran. Where the channel hands out a
 * stand-in for the new index, the settings go out right behind the create, and the steps
 * after this one name the interface by the stand-in: a pod's add is one round trip. Else the
 * settings are handed back once the create is answered, for apply to send with the next
 * step's calls. A NIC's settings are sent one by one, as VPP runs calls sent behind a
 * failing one and a NIC's previous MAC, MTU and rx mode are not known to undo.
 */
export function createInterface(ctx: ApplyContext, v: VppInterfaceValue, undo: UndoList): Promise<SendLater | undefined> | undefined {
  if (isPhysical(v)) return configureNic(ctx, v, undo);
  const created = createDevice(ctx, v, undo);
  const standIn = created.standIn;
  if (standIn === undefined) {
    return created.index.then((idx) => {
      const settings = nameAndSettings(ctx, v, idx, undo);
      return () => settings.forEach((s) => undo.call(s.send()));
    });
  }
  const { index } = ctx;
  // the real index replaces the stand-in as soon as VPP's answer is in, before apply returns;
  // a failed create's stand-in goes (a revert's re-create has no revert to take it back)
  created.index.then((idx) => {
    if (index.ifIndex(v.name) !== standIn) return;
    const stale = index.ifName(idx);
    index.setIf(v.name, idx);
    // VPP reused the index of an interface the index still named: a revert names it again
    if (stale !== undefined && stale !== v.name) undo.push(`name ${idx} ${stale} again`, () => index.setIf(stale, idx));
  }, () => {
    if (index.ifIndex(v.name) === standIn) index.deleteIf(v.name);
  });
  for (const s of nameAndSettings(ctx, v, standIn, undo)) undo.call(s.send());
  return undefined;
}

async function configureNic(ctx: ApplyContext, v: VppInterfaceValue, undo: UndoList): Promise<undefined> {
  for (const s of nameAndSettings(ctx, v, mustIf(ctx.index, v.name), undo)) await undo.call(s.send(), s.inverse?.[0], s.inverse?.[1]);
  return undefined;
}

/** Records the interface's name in the index (taken back on revert) and lists its settings. */
function nameAndSettings(ctx: ApplyContext, v: VppInterfaceValue, idx: number, undo: UndoList): Setting[] {
  const { ch, index } = ctx;
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
  return settings;
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
  const recreate = (): Promise<void> => realiseAlone(async (u) => createInterface(ctx, v, u));
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
