import test from 'ava';
import type { VppBackend, VppConnection } from '../../src/vpp/backend.js';
import { MEMCLNT_IDS, MessageTable } from '../../src/vpp/binapi/table.js';
import { decode, encodeWithId } from '../../src/vpp/binapi/wire.js';
import { nameCrc } from '../../src/vpp/binapi/registry.js';
import { ProtocolMismatchError } from '../../src/vpp/bridge/errors.js';
import { VppSimulator } from '../../src/vpp/sim/simulator.js';
import { connectClient, startBridge } from './harness.js';

/** A VPP without some plugins: its handshake table lacks their messages, as a real one would. */
class WithoutPlugins implements VppBackend {
  readonly kind = 'sim' as const;
  constructor(private readonly inner: VppBackend, private readonly missing: readonly string[]) {}
  async connect(): Promise<VppConnection> {
    const conn = await this.inner.connect();
    const drop = new Set(this.missing.map((n) => nameCrc(n)));
    return {
      send: (frames) => conn.send(frames),
      onFrames: (l) => conn.onFrames((frames) => l(frames.map((f) => {
        if (f.readUInt16BE(0) !== MEMCLNT_IDS.sockclnt_create_reply) return f;
        const d = decode(MessageTable.bootstrap(), f);
        if (!d.ok) return f;
        const table = (d.msg.message_table as { index: number; name: string }[]).filter((e) => !drop.has(e.name));
        return encodeWithId(MEMCLNT_IDS.sockclnt_create_reply, 'sockclnt_create_reply', { ...d.msg, message_table: table });
      }))),
      onClose: (l) => conn.onClose(l),
      close: () => conn.close(),
    };
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

test('a message whose plugin is not loaded is refused with ProtocolMismatchError naming its name_crc, before anything is sent', async (t) => {
  const sim = new VppSimulator({ seed: 12 });
  t.teardown(() => sim.close());
  const bridge = await startBridge(t, new WithoutPlugins(sim, ['af_packet_create_v3', 'vxlan_add_del_tunnel_v3']));
  const c = await connectClient(t, bridge.endpoint);
  const framesBefore = bridge.stats.framesIn;
  const err = await t.throwsAsync(c.request('af_packet_create_v3', { host_if_name: 'eth0' }), { instanceOf: ProtocolMismatchError });
  t.deepEqual(err?.missing, [nameCrc('af_packet_create_v3')]);
  t.false(err?.retryable);
  t.is(bridge.stats.framesIn, framesBefore, 'nothing went to VPP');
  t.false(c.current?.table.has('vxlan_add_del_tunnel_v3'));
  t.is((await c.request('create_loopback', {})).retval, 0, 'everything else still works');
});
