/**
 * The bridge's side of chained calls, per session: the replies that later frames take an
 * interface index from, and the frames held until such a reply is in. VPP runs one client's
 * calls in order, so once a frame waits for a reply, every frame behind it waits too. A
 * source VPP never answers (a client naming a frame VPP does not reply to) holds that
 * session's later frames until it sends `sockclnt_create` again or ends; other sessions go on.
 */
import type { ChainPatch, ChainTable } from './chain.js';
import { CHAIN_SOURCES_KEPT as ANSWERED_SOURCES_KEPT } from './contract.js';
import { forgetOldestAnswered } from './forget.js';

/** A source call's reply as far as the gate knows it. */
interface Source {
  readonly replyId: number;
  readonly valueAt: number;
  /** undefined until the reply is in; then the index, or `failed` when VPP refused the call. */
  outcome: number | 'failed' | undefined;
}

/** A frame not yet handed to VPP, with the spots to fill before it goes. */
interface Unit {
  readonly frame: Buffer;
  readonly patches: readonly ChainPatch[] | undefined;
  /** The frame's context when later frames take an index from its reply. */
  readonly source: number | undefined;
}


/** What `admit` and `observe` decided. */
export interface GateResult {
  /** Frames to hand to VPP now, in order. */
  readonly forward: Buffer[];
  /** Frames dropped because they name a source the gate does not know (a client fault). */
  readonly unknown: number;
  /** Frames in `forward` the gate wrote an index into. */
  readonly patched: number;
}

/** Sources and held frames of one session. */
export class ChainGate {
  private readonly sources = new Map<number, Source>();
  private held: Unit[] = [];
  private awaited = 0;
  private answered = 0;

  /** Whether a reply is awaited (VPP's frames need looking at) or frames are held. */
  get busy(): boolean {
    return this.awaited > 0 || this.held.length > 0;
  }

  /** Takes a batch in arrival order; what cannot go yet waits behind the frames already held. */
  admit(frames: readonly Buffer[], table: ChainTable | undefined): GateResult {
    if (table === undefined && this.held.length === 0) return { forward: frames as Buffer[], unknown: 0, patched: 0 };
    let byFrame: Map<number, ChainPatch[]> | undefined;
    let sourceAt: Map<number, number> | undefined;
    if (table !== undefined) {
      for (const s of table.sources) {
        const old = this.sources.get(s.context);
        if (old !== undefined) {
          // a context used again (they wrap): the new call's reply is the one to wait for
          if (old.outcome === undefined) this.awaited--;
          else this.answered--;
          this.sources.delete(s.context);
        }
        this.sources.set(s.context, { replyId: s.replyId, valueAt: s.valueAt, outcome: undefined });
        this.awaited++;
        (sourceAt ??= new Map()).set(s.frame, s.context);
      }
      for (const p of table.patches) {
        byFrame ??= new Map();
        const list = byFrame.get(p.frame);
        if (list === undefined) byFrame.set(p.frame, [p]);
        else list.push(p);
      }
    }
    for (let i = 0; i < frames.length; i++) this.held.push({ frame: frames[i] as Buffer, patches: byFrame?.get(i), source: sourceAt?.get(i) });
    return this.release();
  }

  /** Looks at VPP's frames for awaited replies; returns the frames they release. */
  observe(frames: readonly Buffer[]): GateResult {
    if (this.awaited > 0) {
      for (const f of frames) {
        if (f.length < 10) continue;
        const s = this.sources.get(f.readUInt32BE(2));
        if (s === undefined || s.outcome !== undefined || f.readUInt16BE(0) !== s.replyId) continue;
        s.outcome = f.readInt32BE(6) === 0 && f.length >= s.valueAt + 4 ? f.readUInt32BE(s.valueAt) : 'failed';
        this.awaited--;
        this.answered++;
      }
      if (this.answered > ANSWERED_SOURCES_KEPT) this.answered = forgetOldestAnswered(this.sources, isAnswered, this.answered, ANSWERED_SOURCES_KEPT);
    }
    return this.held.length === 0 ? NOTHING : this.release();
  }

  /** Hands over held frames from the front until one waits for a reply not yet in. */
  private release(): GateResult {
    const forward: Buffer[] = [];
    let unknown = 0;
    let patched = 0;
    let i = 0;
    units: for (; i < this.held.length; i++) {
      const u = this.held[i] as Unit;
      if (u.patches !== undefined) {
        for (const p of u.patches) {
          const s = this.sources.get(p.source);
          if (s === undefined) {
            unknown++;
            this.neverSent(u);
            continue units;
          }
          if (s.outcome === undefined) break units;
          // VPP refused the create: the client fails this call itself, and VPP never sees it
          if (s.outcome === 'failed') {
            this.neverSent(u);
            continue units;
          }
        }
        for (const p of u.patches) u.frame.writeUInt32BE(this.sources.get(p.source)?.outcome as number, p.at);
        patched++;
      }
      forward.push(u.frame);
    }
    this.held = i === this.held.length ? [] : this.held.slice(i);
    return { forward, unknown, patched };
  }

  /** A dropped frame that was a source will never be answered: what waits for it is dropped too. */
  private neverSent(u: Unit): void {
    const s = u.source === undefined ? undefined : this.sources.get(u.source);
    if (s === undefined || s.outcome !== undefined) return;
    s.outcome = 'failed';
    this.awaited--;
    this.answered++;
  }

  /** Drops every held frame and what is known of sources (the session starts over). */
  reset(): number {
    const dropped = this.held.length;
    this.held = [];
    this.sources.clear();
    this.awaited = 0;
    this.answered = 0;
    return dropped;
  }
}

function isAnswered(s: Source): boolean {
  return s.outcome !== undefined;
}

const NOTHING: GateResult = Object.freeze({ forward: [], unknown: 0, patched: 0 }) as GateResult;
