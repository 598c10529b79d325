/**
 * `nodeConfig[]` compilation: per-node interface settings (spec ipam-and-nodes §8.3). The
 * entry for this node is picked here so consumers never search the list themselves.
 */
import type { NodeConfig, NodeInterface } from './types.js';
import { isFailure, parseCidr, parseIPv4 } from './net.js';
import { ObjectReader } from './reader.js';
import type { ProblemSink } from './problems.js';

/** Reads an interface address: a CIDR whose host bits are the interface's own address. */
function readInterfaceIp(r: ObjectReader): string | undefined {
  const text = r.optString('ip');
  if (text === undefined || text === '') return undefined;
  const parsed = parseCidr(text);
  if (isFailure(parsed)) {
    r.sink.error(r.pathOf('ip'), text, `${parsed.reason} (an interface address such as 192.168.16.10/24)`);
    return undefined;
  }
  return `${parsed.address.toString()}/${parsed.prefixLen}`;
}

/** Compiles one interface entry; an `ip` forces useDHCP off, as contiv does. */
function compileInterface(value: unknown, path: string, sink: ProblemSink, nameRequired: boolean): NodeInterface {
  const r = ObjectReader.of(value, path, sink);
  const interfaceName = r.string('interfaceName', '');
  const ip = readInterfaceIp(r);
  let useDHCP = r.bool('useDHCP', false);
  if (nameRequired && interfaceName === '') {
    sink.error(r.pathOf('interfaceName'), undefined, 'required: the VPP interface name');
  }
  if (ip !== undefined && useDHCP) {
    sink.warning(r.pathOf('useDHCP'), true, 'ignored: a static ip is set, so DHCP is off');
    useDHCP = false;
  }
  r.finish();
  return { interfaceName, ip, useDHCP };
}

/** Compiles one `nodeConfig[]` entry. */
function compileNode(value: unknown, path: string, sink: ProblemSink): { node: NodeConfig; namePath: string } {
  const r = ObjectReader.of(value, path, sink);
  const nodeName = r.string('nodeName', '');
  if (nodeName === '') sink.error(r.pathOf('nodeName'), r.value('nodeName'), 'required: the Kubernetes node name this entry applies to');
  const main = r.value('mainVPPInterface');
  const mainVPPInterface = main === undefined ? undefined : compileInterface(main, r.pathOf('mainVPPInterface'), sink, false);
  const otherVPPInterfaces = r.list('otherVPPInterfaces')
    .map((v, i) => compileInterface(v, `${r.pathOf('otherVPPInterfaces')}[${i}]`, sink, true));
  const stealInterface = r.string('stealInterface', '');
  const gwText = r.optString('gateway');
  let gateway: string | undefined;
  if (gwText !== undefined && gwText !== '') {
    const gw = parseIPv4(gwText);
    if (isFailure(gw)) sink.error(r.pathOf('gateway'), gwText, gw.reason);
    else gateway = gw.toString();
  }
  const natExternalTraffic = r.optBool('natExternalTraffic');
  r.finish();
  const node = { nodeName, mainVPPInterface, otherVPPInterfaces, stealInterface, gateway, natExternalTraffic };
  return { node, namePath: r.pathOf('nodeName') };
}

/** Compiles the whole list; a node name given twice is an error on the later entry. */
export function compileNodes(list: readonly unknown[], path: string, sink: ProblemSink): NodeConfig[] {
  const seen = new Map<string, number>();
  return list.map((value, i) => {
    const { node, namePath } = compileNode(value, `${path}[${i}]`, sink);
    const first = seen.get(node.nodeName);
    if (node.nodeName !== '' && first !== undefined) {
      sink.error(namePath, node.nodeName, `duplicate node name: already configured by ${path}[${first}]`);
    } else if (node.nodeName !== '') {
      seen.set(node.nodeName, i);
    }
    return node;
  });
}
