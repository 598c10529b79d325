/**
 * What the bridge forwards to: something that speaks VPP binary-API messages, one message
 * per frame, exactly as VPP carries them (big-endian, common header first). The in-process
 * simulator and a real VPP behind its API socket both implement it, so the bridge and the
 * client cannot tell them apart.
 */

/** Why a backend connection ended. */
export interface CloseReason {
  /** `restart`: the VPP (or simulator) restarted; `dropped`: the transport broke; `closed`: we closed it. */
  readonly kind: 'restart' | 'dropped' | 'closed';
  readonly message: string;
}

/** One client's session with VPP. The handshake (sockclnt_create) travels in-band. */
export interface VppConnection {
  /** Sends messages to VPP; each buffer is one whole binary-API message. */
  send(frames: readonly Buffer[]): void;
  /** Registers the receiver of VPP's messages (replies, details, events), in VPP's order. */
  onFrames(listener: (frames: Buffer[]) => void): void;
  /** Registers the receiver of the end of this session. Called at most once. */
  onClose(listener: (reason: CloseReason) => void): void;
  close(): Promise<void>;
}

/** Opens sessions with one VPP (or one simulated VPP). */
export interface VppBackend {
  readonly kind: 'sim' | 'vpp';
  connect(): Promise<VppConnection>;
  close(): Promise<void>;
}
