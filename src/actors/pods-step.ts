/**
 * The last start-up step: builds this node's desired state, runs the supervisor (startup
 * resync, then run-time and healing resyncs), brings back the pods wired before a restart,
 * and opens the CNI socket. Registers the inspection endpoints.
 */
import { createActor, fromPromise } from 'xstate';
import { localNodeInput } from '../desired/from-config.js';
import { desiredBody, vppBody } from '../vpp/retrieve/index.js';
import { supervisorMachine, type ResyncKind } from '../machines/supervisor.js';
import { startCniServer } from '../sources/cni/server.js';
import type { StartupContext, StartupStep } from './agent.js';
import { podCniHandler } from './cni-handler.js';
import { Dataplane } from './dataplane.js';
import { History, parseHistoryQuery } from './history.js';
import { inspectInto } from './inspect.js';
import { attachInspection } from './inspection-hookup.js';
import { podDriver, podRef } from './pod-driver.js';
import { PodRecords, withLiveSandboxes } from './pod-records.js';
import { reconcileAllocations } from './reconcile.js';
import { resyncDroppingRefused, StartupDrops } from './refused-pods.js';
import { hostVethName } from '../linux/pod-names.js';
import { readHostVeths, removeStrayPodVeths } from '../linux/stray-veths.js';
import { PodRegistry } from './pods.js';
import { PeerRegistry, peerAddressing } from './peers.js';
import { need, type AgentState } from './steps.js';
import type { VppHandle } from './vpp-step.js';
import type { NodeRecord } from '../nodesync/nodesync.js';
import type { PeerAddressing } from '../desired/index.js';

/** What the pods step exposes to tests and the CLI. */
export interface PodsHandle {
  dataplane?: Dataplane;
  pods?: PodRegistry;
  history?: History;
  peers?: PeerRegistry;
  /** Resolves when the startup resync finished (rejects when the supervisor gives up). */
  ready?: Promise<void>;
}

/** Options: whether this agent wires pod network namespaces itself (needs root). */
export interface PodsStepOptions {
  readonly netns: boolean;
}

/** Builds the step. */
export function podsStep(state: AgentState, vpp: VppHandle, out: PodsHandle, opts: PodsStepOptions): StartupStep {
  return {
    name: 'pods',
    async run(ctx: StartupContext) {
      const { config, log, http } = ctx;
      const store = need(state.store, 'store');
      const ipam = need(state.ipam, 'IPAM');
      const client = need(vpp.client, 'VPP client');
      const history = new History(config.controller.eventHistoryLimit);
      // hostIPs as the host step read them: VPP routes each to the host over the interconnect
      const local = localNodeInput(config, need(state.addressing, 'addressing'), { firstDpdkNic: '', hostIPs: state.hostSide?.hostIPs ?? [] });
      const dataplane = new Dataplane(config, client, local, (r) => history.record({ actor: 'vpp', event: 'txn', from: undefined, to: r.what, vppOps: r.calls, durationMs: Math.round(r.ms * 1000) / 1000 }), vpp.earlyDump);
      vpp.earlyDump = undefined;
      const records = new PodRecords(store, config.nodeName);
      const driver = podDriver({ config, ipam, dataplane, gateway: local.addressing.podGatewayIP, netns: opts.netns, records });
      const pods = new PodRegistry(driver, history, (podKey, reason) =>
        log.error({ podKey, reason }, 'pod actor keeps failing'),
      );
      Object.assign(out, { dataplane, pods, history });
      await attachInspection(ctx, { history, dataplane, local }); // before any actor starts: lookup route, visualizer stream

      // peers known from the node-ID records: desired before the first resync, so it keeps their tunnels
      const nodeSync = need(state.nodeSync, 'node sync');
      const ipamAddressing = need(state.addressing, 'addressing');
      // management IPs come only from Kubernetes: without its source peers connect on VPP IPs alone
      const kube = state.kube;
      const mgmtIPsUnknown = kube === undefined;
      const mgmtIPsOf = (name: string) => kube?.node(name)?.mgmtIPs ?? [];
      // where the step's time goes at start-up (issue 6: 1,000 peers and 250 pods under a second)
      const phasesMs: Record<string, number> = {};
      let lapStart = performance.now();
      const lap = (phase: string) => {
        const now = performance.now();
        phasesMs[phase] = Math.round(now - lapStart);
        lapStart = now;
      };
      const desiredPeers: { rec: NodeRecord; mgmtIPs: readonly string[] }[] = [];
      const peerItemsWanted: PeerAddressing[] = [];
      for (const rec of await nodeSync.listNodes()) {
        if (rec.name === config.nodeName) continue;
        const mgmtIPs = mgmtIPsOf(rec.name);
        const a = peerAddressing(ipamAddressing, { ...rec, mgmtIPs }, mgmtIPsUnknown);
        if (a) peerItemsWanted.push(a);
        desiredPeers.push({ rec, mgmtIPs });
      }
      await dataplane.setDesired({ peers: peerItemsWanted });
      lap('peersDesired');

      // pods wired before a restart: put back into the desired state before the first resync
      const stored = await records.list((m) => log.warn(m));
      // without netns handling (no root) the agent never looks into sandboxes: it keeps them all
      const known = opts.netns ? await withLiveSandboxes(records, stored, (m) => log.warn(m)) : stored;
      // one pod dropped per VPP error code until a start-up completes (refused-pods.ts)
      const drops = await StartupDrops.load(store, config.nodeName, (m) => log.warn(m));
      // VETH mode only (TAP mode makes no host veths): read while the startup resync runs, and
      // what no record names is removed before the CNI socket opens
      const hostVeths = opts.netns && config.interfaceMode === 'veth' ? readHostVeths().catch((err: Error) => (log.warn({ err: err.message }, 'cannot list host veths'), [])) : undefined;
      // an IP without a pod record belongs to an ADD that never answered (or a DEL past its record)
      await reconcileAllocations(ipam, known, log, state.kube?.livePods());
      await dataplane.setDesired({ pods: known.map((r) => ({ ...podRef(r.podKey), containerId: r.container.containerId, netns: r.container.netns, ifName: r.container.ifName, ip: r.wiring.ip })) });
      lap('podsDesired');

      let ready = false;
      const supervisor = createActor(
        supervisorMachine.provide({
          actors: {
            resync: fromPromise<void, { kind: ResyncKind; resyncCount: number }>(async ({ input }) => {
              pods.broadcast('resync.begin');
              try {
                // after a VPP restart the client is still re-handshaking: calls now would fail at once
                await client.ready(config.vppBridge.requestTimeoutMs);
                const run = () => dataplane.resync(`${input.kind} resync`, { afterRestart: input.kind === 'runtime' && restarted });
                // a pod VPP refuses must not keep the node from becoming ready: it is dropped (no actor adopts it) and left to kubelet's next ADD
                const r = input.kind === 'startup' ? await resyncDroppingRefused(run, known, { records, dataplane, driver, history, log, drops }) : await run();
                restarted = false;
                // the host side belongs to the node's state too: a failure to converge it fails the resync
                await state.hostSide?.converge();
                if (input.kind === 'startup') await drops.clear();
                log.info({ kind: input.kind, ops: r.ops, ms: Math.round(r.ms) }, 'resync done');
              } finally {
                pods.broadcast('resync.end');
              }
            }),
            shutdown: fromPromise<void, void>(async () => pods.stop()),
          },
        }),
        {
          input: {
            requiredSources: kube ? ['store', 'nodeId', 'vpp', 'kubernetes'] : ['store', 'nodeId', 'vpp'],
            startupDeadlineMs: config.controller.startupResyncDeadlineMs,
            healingDelayMs: config.controller.delayAfterErrorHealingMs,
            maxHealingAttempts: 10,
            periodicHealingMs: config.controller.enablePeriodicHealing ? config.controller.periodicHealingIntervalMs : 0,
          },
          inspect: inspectInto(history, 'supervisor'),
        },
      );
      let restarted = false;
      client.on('restart', () => {
        restarted = true;
        supervisor.send({ type: 'vpp.restarted' });
      });
      out.ready = new Promise<void>((resolve, reject) => {
        supervisor.on('supervisor.ready', () => {
          ready = true;
          resolve();
        });
        supervisor.on('supervisor.fatal', (e) => reject(new Error(e.reason)));
      });
      supervisor.start();
      ctx.onStop(async () => supervisor.send({ type: 'shutdown' }));
      for (const source of ['store', 'nodeId', 'vpp', ...(kube ? (['kubernetes'] as const) : [])] as const) supervisor.send({ type: 'source.ready', source });
      await out.ready;
      lap('startupResync');
      if (hostVeths) {
        const { removed, errors } = await removeStrayPodVeths(await hostVeths, new Set(known.map((r) => hostVethName(r.container.containerId))));
        if (removed.length > 0 || errors.length > 0) log.warn({ removed, errors }, 'removed the host veths of pods without a record (an agent stopped mid-ADD)');
      }
      // the host side the resync converged waits for VPP's link still: keep trying until it appears
      if ((state.hostSide?.pending.length ?? 0) > 0) state.hostSide?.keepConverging();
      for (const r of known) pods.adopt(r.podKey, r.container, r.wiring);
      const peers = new PeerRegistry(dataplane, ipamAddressing, history, mgmtIPsUnknown, mgmtIPsOf);
      out.peers = peers;
      // the resync applied their items; the watch's first listing then reports only changes
      for (const { rec, mgmtIPs } of desiredPeers) peers.adopt(rec, mgmtIPs);
      lap('actorsAdopted');
      state.kubeListeners?.add((e) => {
        if (e.type.startsWith('k8snode.')) peers.mgmtChanged((e as { node: { name: string } }).node.name);
      });
      // names the watch reported before it returned: its first listing and what changed meanwhile
      let listed: Set<string> | undefined = new Set<string>();
      const watch = await nodeSync.watchPeers((ev) => {
        listed?.add(ev.node.name);
        if (ev.type === 'node.removed') peers.remove(ev.node.name);
        else peers.upsert(ev.node);
      });
      // a peer whose record went away before the watch began: its adopted items go with it
      for (const { rec } of desiredPeers) if (!listed.has(rec.name)) peers.remove(rec.name);
      listed = undefined;
      lap('peerWatch');
      ctx.onStop(async () => {
        await watch.close();
        peers.stop();
      });

      const cni = await startCniServer({ socketPath: config.cni.socket, handler: podCniHandler(pods, { mtu: config.mtuSize, netns: opts.netns, ready: () => ready }) });
      ctx.onStop(() => cni.close());
      lap('cniSocket');
      log.info({ socket: config.cni.socket, pods: known.length, peers: desiredPeers.length, phasesMs }, 'CNI socket open');

      http.route('GET', '/ipnet/v1/desired', () => {
        const v = dataplane.view();
        // a wired pod's netns side is applied by src/linux, not through VPP: show it as such
        const actual = v.actual.clone();
        for (const it of v.desired) if (!it.kind.startsWith('vpp-') && it.owner.startsWith('pod/') && pods.wiring(it.owner.slice(4))) actual.put(it);
        return { status: 200, body: desiredBody(v.desired, actual, { pending: v.pending, outcomes: v.outcomes }) };
      });
      http.route('GET', '/ipnet/v1/vpp', async () => ({ status: 200, body: vppBody(await dataplane.dump(), dataplane.desired) }));
      http.route('GET', '/ipnet/v1/actors', () => ({
        status: 200,
        body: { supervisor: { state: supervisor.getSnapshot().value, resyncCount: supervisor.getSnapshot().context.resyncCount }, vppWrites: dataplane.writes, pods: pods.list(), nodes: peers.list() },
      }));
      http.route('GET', '/controller/event-history', (url) => {
        const q = parseHistoryQuery(url.searchParams);
        return 'error' in q ? { status: 400, body: q } : { status: 200, body: history.query(q) };
      });
      http.route('POST', '/controller/resync', () => {
        supervisor.send({ type: 'resync.requested', reason: 'HTTP request' });
        return { status: 202, body: { accepted: true } };
      });
    },
  };
}
