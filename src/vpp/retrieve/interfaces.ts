/**
 * Interfaces back into items. Ownership is by tag: ipnet tags every interface it creates
 * or configures with the item name, so an untagged interface (`local0`, anything another
 * agent made) is never reported. A tagged interface whose name ipnet does not generate is
 * reported as foreign (`origin: sb`) unless the desired set names it (a configured NIC).
 */
import { dumpAfPackets } from '../api/afpacket.js';
import { NONE, type VppChannel } from '../api/channel.js';
import { dumpAddresses, dumpInterfaces, dumpUnnumbered, getTable, type InterfaceDetails } from '../api/interfaces.js';
import { NameIndex } from '../api/names.js';
import { dumpTaps } from '../api/tap.js';
import { dumpVxlans } from '../api/vxlan.js';
import { vppInterface } from '../../desired/items.js';
import type { ItemSet } from '../../desired/itemset.js';
import { vppInterfaceKey } from '../../desired/keys.js';
import type { Item, VppInterfaceType, VppInterfaceValue } from '../../desired/model.js';
import { isIpnetInterfaceName } from '../../desired/naming.js';
import { compact } from '../../desired/items.js';
import { adopt, shapeLike } from './adopt.js';

/** What later readers (routes, L2, neighbours) need to know about every interface. */
export interface InterfaceView {
  readonly details: InterfaceDetails;
  readonly vrf: number;
  readonly addresses: readonly string[];
}

/** Interface items, the name index, and a per-index view of every interface. */
export interface RetrievedInterfaces {
  readonly items: Item[];
  readonly index: NameIndex;
  readonly views: ReadonlyMap<number, InterfaceView>;
}

const ZERO_MAC = '00:00:00:00:00:00';

function typeOf(d: InterfaceDetails): VppInterfaceType {
  switch (d.devType) {
    case 'virtio': return 'TAP';
    case 'Loopback': return 'SOFTWARE_LOOPBACK';
    case 'af-packet': return 'AF_PACKET';
    case 'VXLAN': return 'VXLAN_TUNNEL';
    default: return d.vppName.startsWith('vmxnet3-') ? 'VMXNET3_INTERFACE' : 'DPDK';
  }
}

/** Everything VPP reports about its interfaces, before it is turned into items. */
export interface InterfaceDump {
  readonly all: readonly InterfaceDetails[];
  readonly taps: Awaited<ReturnType<typeof dumpTaps>>;
  readonly afps: Awaited<ReturnType<typeof dumpAfPackets>>;
  readonly vxlans: Awaited<ReturnType<typeof dumpVxlans>>;
  readonly unnumbered: Awaited<ReturnType<typeof dumpUnnumbered>>;
  /** VRF and addresses of every interface but local0. */
  readonly views: readonly InterfaceView[];
}

/** Reads every interface, then each one's VRF and addresses (both asked at once). */
export async function dumpAllInterfaces(ch: VppChannel): Promise<InterfaceDump> {
  const all = await dumpInterfaces(ch);
  const real = all.filter((d) => d.swIfIndex !== 0 && d.swIfIndex !== NONE);
  const [taps, afps, vxlans, unnumbered, views] = await Promise.all([
    dumpTaps(ch), dumpAfPackets(ch), dumpVxlans(ch), dumpUnnumbered(ch),
    Promise.all(real.map(async (d): Promise<InterfaceView> => {
      const [vrf, addresses] = await Promise.all([getTable(ch, d.swIfIndex), dumpAddresses(ch, d.swIfIndex)]);
      return { details: d, vrf, addresses };
    })),
  ]);
  return { all, taps, afps, vxlans, unnumbered, views };
}

/** Turns the tagged interfaces of a dump into items. */
export function retrieveInterfaces({ all, taps, afps, vxlans, unnumbered, views: perIf }: InterfaceDump, correlate: ItemSet | undefined): RetrievedInterfaces {
  const index = new NameIndex();
  for (const d of all) {
    index.setVppName(d.vppName, d.swIfIndex);
    if (d.tag !== '') index.setIf(d.tag, d.swIfIndex);
  }
  const views = new Map<number, InterfaceView>(perIf.map((v) => [v.details.swIfIndex, v]));
  const items: Item[] = [];
  for (const { details: d, vrf, addresses } of views.values()) {
    if (d.tag === '') continue;
    const want = correlate?.get(vppInterfaceKey(d.tag));
    const wantValue = want?.kind === 'vpp-interface' ? want.value : undefined;
    const type = typeOf(d);
    const owner = unnumbered.get(d.swIfIndex);
    const ownerView = owner === undefined ? undefined : views.get(owner);
    const ownerName = ownerView?.details.tag || ownerView?.details.vppName;
    const tap = taps.get(d.swIfIndex);
    const vx = vxlans.get(d.swIfIndex);
    const value: VppInterfaceValue = compact({
      name: d.tag, type, enabled: d.adminUp,
      phys_address: d.mac !== ZERO_MAC ? d.mac : undefined,
      mtu: d.linkMtu > 0 ? d.linkMtu : undefined,
      vrf, ip_addresses: addresses,
      unnumbered: ownerName !== undefined ? { interface_with_ip: ownerName } : undefined,
      // Not readable through the 24.02 messages ipnet speaks: taken from the desired value.
      rx_mode_settings: wantValue?.rx_mode_settings,
      vmx_net3: wantValue?.vmx_net3,
      tap: type === 'TAP' && tap !== undefined ? { version: 2, rx_ring_size: tap.rxRingSize, tx_ring_size: tap.txRingSize } : undefined,
      afpacket: type === 'AF_PACKET' ? { host_if_name: afps.get(d.swIfIndex) ?? '' } : undefined,
      vxlan: vx !== undefined ? { src_address: vx.src, dst_address: vx.dst, vni: vx.vni } : undefined,
    });
    const shaped = shapeLike(value, wantValue);
    const unnumberedTo = ownerName !== undefined && ownerView?.addresses[0] !== undefined
      ? { name: ownerName, address: ownerView.addresses[0] } : undefined;
    const foreign = !isIpnetInterfaceName(d.tag) && want === undefined;
    for (const it of vppInterface(shaped, 'vpp', { unnumberedTo })) items.push(adopt(it, correlate, foreign));
  }
  return { items, index, views };
}
