/**
 * Builds expected frames from hand-written rows of (spec offset, hex bytes), checking that each
 * row starts exactly where the previous one ended, so a row list reads like the spec's table.
 */
export function layout(total: number, rows: readonly (readonly [off: number, hex: string])[]): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const [off, hex] of rows) {
    if (off !== at) throw new Error(`row at ${off} but previous rows end at ${at}`);
    const b = Buffer.from(hex.replace(/\s+/g, ''), 'hex');
    parts.push(b);
    at += b.length;
  }
  if (at !== total) throw new Error(`rows add up to ${at} bytes, spec says ${total}`);
  return Buffer.concat(parts);
}

/** `n` zero bytes as hex. */
export function zeros(n: number): string {
  return '00'.repeat(n);
}

/** ASCII text NUL-padded to `n` bytes, as hex (a `string[n]` field). */
export function padded(text: string, n: number): string {
  return Buffer.from(text, 'ascii').toString('hex') + zeros(n - text.length);
}

/** ASCII text as hex, no padding (the bytes of a variable string). */
export function ascii(text: string): string {
  return Buffer.from(text, 'ascii').toString('hex');
}
