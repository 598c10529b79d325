/**
 * The forwarder ↔ agent wire format. The C forwarder must stay tiny, so the framing is the
 * simplest thing it can write without parsing JSON:
 *
 * request  = "IPN1" u32be(len) payload[len]
 * payload  = ("NAME=VALUE" NUL)* NUL stdin-bytes      (only the CNI_* variables that are set)
 * response = u32be(len) exit-code-byte stdout[len-1]
 */

/** Magic that opens every request, so a stray client gets a clear decoding error. */
export const REQUEST_MAGIC = Buffer.from('IPN1', 'latin1');
/** Largest stdin the forwarder sends (and the agent accepts); larger configs are refused. */
export const MAX_STDIN_BYTES = 1024 * 1024;
/** Room for the env block on top of stdin. */
export const MAX_PAYLOAD_BYTES = MAX_STDIN_BYTES + 64 * 1024;

/** The variables the forwarder copies from its environment. */
export const FORWARDED_ENV = ['CNI_COMMAND', 'CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME', 'CNI_ARGS', 'CNI_PATH'] as const;

/** A request frame that cannot be decoded (bad magic, too large, truncated). */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/** Builds a request frame (the TS twin of the forwarder, used by tests and tools). */
export function encodeRequest(env: Readonly<Record<string, string>>, stdin: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(env)) parts.push(Buffer.from(`${k}=${v}\0`, 'utf8'));
  parts.push(Buffer.from([0]), Buffer.from(stdin));
  const payload = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  REQUEST_MAGIC.copy(head, 0);
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

/** Reads the 8-byte header: returns the payload length or throws FrameError. */
export function decodeRequestHeader(head: Buffer, maxPayload = MAX_PAYLOAD_BYTES): number {
  if (head.length < 8 || !head.subarray(0, 4).equals(REQUEST_MAGIC)) {
    throw new FrameError('request does not start with the ipnet-cni frame magic');
  }
  const len = head.readUInt32BE(4);
  if (len > maxPayload) throw new FrameError(`request of ${len} bytes exceeds the limit of ${maxPayload} bytes`);
  return len;
}

/** Splits a payload into the env map and stdin bytes. */
export function decodeRequestPayload(payload: Buffer): { env: Record<string, string>; stdin: Buffer } {
  const env: Record<string, string> = {};
  let pos = 0;
  for (;;) {
    const end = payload.indexOf(0, pos);
    if (end < 0) throw new FrameError('request env block is not terminated');
    if (end === pos) {
      pos = end + 1;
      break;
    }
    const entry = payload.subarray(pos, end).toString('utf8');
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new FrameError(`request env entry ${JSON.stringify(entry)} has no name`);
    env[entry.slice(0, eq)] = entry.slice(eq + 1);
    pos = end + 1;
  }
  return { env, stdin: payload.subarray(pos) };
}

/** Builds a response frame: exit status and the exact stdout bytes. */
export function encodeResponse(exitCode: number, stdout: string): Buffer {
  const body = Buffer.from(stdout, 'utf8');
  const head = Buffer.alloc(5);
  head.writeUInt32BE(body.length + 1, 0);
  head.writeUInt8(exitCode & 0xff, 4);
  return Buffer.concat([head, body]);
}

/** Parses a complete response frame (tests and tools). */
export function decodeResponse(frame: Buffer): { exitCode: number; stdout: string } {
  if (frame.length < 5) throw new FrameError('response shorter than its header');
  const len = frame.readUInt32BE(0);
  if (frame.length !== 4 + len || len < 1) throw new FrameError(`response length ${len} does not match ${frame.length - 4} bytes received`);
  return { exitCode: frame.readUInt8(4), stdout: frame.subarray(5).toString('utf8') };
}
