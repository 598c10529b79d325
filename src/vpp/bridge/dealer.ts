/**
 * The client's DEALER. Besides VPP traffic it reports the loss of its connection to the bridge
 * in-band: libzmq puts a "hiccup" message (a draft option, ZMQ_HICCUP_MSG) into the receive
 * stream when a connected peer goes away. That replaces a socket monitor, whose own socket and
 * poller cost ~20 µs of CPU per synchronous round trip, and it arrives after every message the
 * bridge sent before it went away.
 */
import { Dealer, type SocketOptions } from 'zeromq';

/** libzmq's ZMQ_HICCUP_MSG (zmq_draft.h); zeromq.js ships libzmq with the draft API enabled. */
const ZMQ_HICCUP_MSG = 114;

/**
 * What the hiccup carries: one frame of three bytes. The bridge never sends a frame that short
 * on its own (VPP messages are at least MIN_FRAME_BYTES, control messages start with an empty
 * frame), so it cannot be mistaken for traffic.
 */
const HICCUP = Buffer.from([0xff, 0x00, 0xff]);

/** A DEALER that receives `HICCUP` when its connection to the bridge drops. */
export class BridgeDealer extends Dealer {
  constructor(options: SocketOptions<Dealer>) {
    super(options);
    this.setStringOption(ZMQ_HICCUP_MSG, HICCUP);
  }
}

/** True for the message libzmq hands over when the connection to the bridge was lost. */
export function isConnectionLost(frames: readonly Buffer[]): boolean {
  // lengths first: this runs for every message, and `equals` is a call into C++
  if (frames.length !== 1) return false;
  const f = frames[0] as Buffer;
  return f.length === HICCUP.length && f.equals(HICCUP);
}
