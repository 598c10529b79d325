/**
 * A minimal binary-API client over a simulator connection, for frame-level tests: it does
 * the sockclnt_create handshake with the fixed id 15 and resolves every other id from the
 * table the simulator returns, exactly as an agent must.
 */
import type { CloseReason, VppConnection } from '../../src/vpp/backend.js';
import { MEMCLNT_IDS, MessageTable, decode, encode, encodeWithId } from '../../src/vpp/binapi/index.js';
import type { VppSimulator } from '../../src/vpp/sim/simulator.js';

/** A decoded message received from the simulator. */
export interface Got {
  name: string;
  msg: Record<string, unknown>;
}

/** Test client holding one session. */
export class FrameClient {
  readonly raw: Buffer[] = [];
  closeReason: CloseReason | undefined;
  table: MessageTable = MessageTable.bootstrap();
  clientIndex = 0;
  private seen = 0;
  private wake: (() => void) | undefined;

  private constructor(readonly conn: VppConnection) {
    conn.onFrames((frames) => {
      this.raw.push(...frames);
      this.wake?.();
    });
    conn.onClose((r) => {
      this.closeReason = r;
      this.wake?.();
    });
  }

  /** Connects and completes the handshake. */
  static async open(sim: VppSimulator, handshake = true): Promise<FrameClient> {
    const c = new FrameClient(await sim.connect());
    if (handshake) await c.handshake();
    return c;
  }

  /** sockclnt_create with the fixed id; adopts the returned table and client index. */
  async handshake(context = 0x5151): Promise<Record<string, unknown>> {
    this.conn.send([encodeWithId(MEMCLNT_IDS.sockclnt_create, 'sockclnt_create', { context, name: 'test-client' })]);
    const [reply] = await this.next(1);
    if (reply?.name !== 'sockclnt_create_reply') throw new Error(`expected sockclnt_create_reply, got ${reply?.name}`);
    this.table = MessageTable.fromEntries(reply.msg.message_table as { index: number; name: string }[]);
    this.clientIndex = reply.msg.index as number;
    return reply.msg;
  }

  /** Encodes a request with this session's ids and client index. */
  frame(name: string, body: Record<string, unknown> = {}, context = 1): Buffer {
    return encode(this.table, name, { client_index: this.clientIndex, context, ...body });
  }

  /** Sends requests. */
  send(...frames: Buffer[]): void {
    this.conn.send(frames);
  }

  /** Waits for `n` more messages (fails after `ms`). */
  async next(n: number, ms = 2000): Promise<Got[]> {
    const deadline = Date.now() + ms;
    while (this.raw.length - this.seen < n) {
      if (this.closeReason !== undefined) throw new Error(`connection closed: ${this.closeReason.kind}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} messages (have ${this.raw.length - this.seen})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
    }
    const out = this.raw.slice(this.seen, this.seen + n);
    this.seen += n;
    return out.map((f) => {
      const r = decode(this.table, f);
      if (!r.ok) throw new Error(`undecodable frame from simulator: ${r.error.message}`);
      return { name: r.name, msg: r.msg };
    });
  }

  /** Waits a little and returns how many unread messages arrived (for "no reply" cases). */
  async quiet(ms = 30): Promise<number> {
    await new Promise((r) => setTimeout(r, ms));
    return this.raw.length - this.seen;
  }

  /** Sends a request and returns its single reply. */
  async call(name: string, body: Record<string, unknown> = {}, context = 7): Promise<Record<string, unknown>> {
    this.send(this.frame(name, body, context));
    const [r] = await this.next(1);
    if (r?.name !== `${name}_reply`) throw new Error(`expected ${name}_reply, got ${r?.name}`);
    return r.msg;
  }

  /** Sends a dump followed by control_ping and returns everything up to the ping reply. */
  async dump(name: string, body: Record<string, unknown> = {}, context = 9): Promise<Got[]> {
    this.send(this.frame(name, body, context), this.frame('control_ping', {}, context));
    const out: Got[] = [];
    for (;;) {
      const [g] = await this.next(1);
      if (g === undefined) throw new Error('no message');
      out.push(g);
      if (g.name === 'control_ping_reply') return out;
    }
  }
}
