/**
 * What the actor runtime itself costs per AddPod, with effects that answer at once: a pod
 * actor's lifecycle through the registry (create, start, ADD, wire effect, wired) and one
 * single-transaction batch through the VPP connection machine. Time per operation and heap
 * allocated per operation (collected or not): the allocation sets how often the young
 * generation is scavenged, and a scavenge lands in whichever AddPod is waiting for I/O.
 */
import { createActor, fromPromise } from 'xstate';
import { History } from '../src/actors/history.js';
import { PodRegistry, type PodDriver } from '../src/actors/pods.js';
import { batchRunner, vppConnectionMachine, type Txn } from '../src/machines/vppConnection.js';
import { allocatedPerCall } from './heap-figures.js';
import { figure, report, sample } from './stats.js';

const suite = 'actors';

async function podLifecycle(): Promise<void> {
  const wiring = { ip: '10.1.1.2', gateway: '10.1.1.1', mac: '02:00:00:00:00:01', vppIfName: 'tap0', hostIfName: 'eth0' };
  const driver: PodDriver = { wire: async () => wiring, revert: async () => undefined, unwire: async () => undefined };
  const pods = new PodRegistry(driver, new History(1000));
  const add = (i: number) => pods.add(`bench/pod-${i}`, { containerId: `c${i}`, netns: `/var/run/netns/c${i}`, ifName: 'eth0' });
  await sample(3000, (i) => add(i));
  report(suite, 'pod actor: new pod, ADD until wired (effects answer at once)', await sample(3000, (i) => add(10_000 + i)));
  figure(suite, '  heap allocated per pod add', `${((await allocatedPerCall(1000, (i) => add(20_000 + i))) / 1024).toFixed(1)} KB`);
  pods.stop();
}

async function connectionBatch(): Promise<void> {
  const waiting = new Map<number, () => void>();
  const connection = createActor(vppConnectionMachine.provide({
    actors: {
      connect: fromPromise<void, { reconnect: boolean }>(async () => undefined),
      runner: batchRunner(async (txns) => txns.map((t) => {
        waiting.get(t.id)?.();
        waiting.delete(t.id);
        return { id: t.id, ok: true, error: undefined };
      })),
    },
  }), { input: { initialBackoffMs: 100, maxBackoffMs: 5000 } }).start();
  await new Promise((r) => setTimeout(r, 10));
  let id = 0;
  const one = () => new Promise<void>((resolve) => {
    const txn: Txn = { id: ++id, keys: [`k${id}`], payload: null };
    waiting.set(txn.id, resolve);
    connection.send({ type: 'txns.submit', txns: [txn] });
  });
  await sample(3000, one);
  report(suite, 'VPP connection: one transaction submitted, applied, booked', await sample(5000, one));
  figure(suite, '  heap allocated per batch', `${((await allocatedPerCall(2000, one)) / 1024).toFixed(1)} KB`);
  connection.stop();
}

/** Runs the actors suite. */
export default async function (): Promise<void> {
  await podLifecycle();
  await connectionBatch();
}
