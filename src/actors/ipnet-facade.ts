/**
 * The seed's `IPNet` plugin API as one object over the running agent: answers come from the
 * dataplane's live desired set and the node state, never from a copy, so a pod wired or
 * removed a moment ago is answered at once. Served read-only at `GET /ipnet/v1/lookup`.
 */
import type { Config } from '../config/types.js';
import {
  getHostInterconnectIfName, getHostIPs, getNodeIP, getPodByIf, getPodIfNames, getVxlanBVIIfName, handlesEvent, stateToString,
  type ControllerEvent, type ItemSet, type NodeState, type PodByIfAnswer, type PodIfNamesAnswer,
} from '../desired/index.js';
import type { HttpReply } from '../http/server.js';

/** The lookup API other parts of the agent (a service renderer, ipnetctl) can hold. */
export class IPNet {
  constructor(
    private readonly config: Config,
    private readonly desired: ItemSet,
    private readonly node: () => NodeState,
  ) {}

  getPodIfNames(podNamespace: string, podName: string): PodIfNamesAnswer {
    return getPodIfNames(this.desired, podNamespace, podName);
  }

  getPodByIf(ifName: string): PodByIfAnswer {
    return getPodByIf(this.desired, ifName);
  }

  getNodeIP(): { ip: string | undefined; network: string | undefined } {
    return getNodeIP(this.node());
  }

  getHostIPs(): readonly string[] {
    return getHostIPs(this.node());
  }

  getHostInterconnectIfName(): string {
    return getHostInterconnectIfName(this.config);
  }

  getVxlanBVIIfName(): string {
    return getVxlanBVIIfName(this.config);
  }

  stateToString(): string {
    return stateToString(this.node(), this.desired);
  }

  handlesEvent(event: ControllerEvent): boolean {
    return handlesEvent(event, this.config.nodeName);
  }
}

/**
 * `GET /ipnet/v1/lookup`: `?pod=<namespace>/<name>` → GetPodIfNames, `?if=<VPP name>` →
 * GetPodByIf, neither → the node's answers. A malformed query is a 400 naming the parameter.
 */
export function lookupReply(ipnet: IPNet, params: URLSearchParams): HttpReply {
  const pod = params.get('pod');
  const ifName = params.get('if');
  const unknown = [...params.keys()].filter((k) => k !== 'pod' && k !== 'if');
  if (unknown.length > 0) return bad(`unknown parameter ${JSON.stringify(unknown[0])}: expected pod=<namespace>/<name> or if=<interface>`);
  if (pod !== null && ifName !== null) return bad('pod and if cannot be combined');
  if (pod !== null) {
    const m = /^([^/\s]+)\/([^/\s]+)$/.exec(pod);
    if (!m) return bad(`invalid pod: ${JSON.stringify(pod)} is not <namespace>/<name>`);
    const [, podNamespace, podName] = m as unknown as [string, string, string];
    return { status: 200, body: { podNamespace, podName, ...ipnet.getPodIfNames(podNamespace, podName) } };
  }
  if (ifName !== null) {
    if (ifName.trim() === '') return bad('invalid if: empty interface name');
    return { status: 200, body: { ifName, ...ipnet.getPodByIf(ifName) } };
  }
  const { ip, network } = ipnet.getNodeIP();
  return {
    status: 200,
    body: {
      nodeIP: ip ?? null,
      nodeIPNet: network ?? null,
      hostIPs: ipnet.getHostIPs(),
      hostInterconnectIfName: ipnet.getHostInterconnectIfName(),
      vxlanBVIIfName: ipnet.getVxlanBVIIfName(),
      state: ipnet.stateToString(),
    },
  };
}

function bad(error: string): HttpReply {
  return { status: 400, body: { error } };
}
