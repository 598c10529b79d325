/**
 * The name index: ipnet's logical interface and bridge-domain names ↔ VPP's numeric ids.
 * Retrieve builds it from tags, creates and deletes keep it current, so apply never dumps
 * to resolve a name and an agent restart finds its own objects again.
 */

/** Logical names ↔ sw_if_index and bridge-domain names ↔ bd_id for one VPP run. */
export class NameIndex {
  private readonly ifByName = new Map<string, number>();
  private readonly nameByIf = new Map<number, string>();
  private readonly bdByName = new Map<string, number>();
  /** VPP's own interface names (physical NICs are configured by these) → sw_if_index. */
  private readonly ifByVppName = new Map<string, number>();

  /** sw_if_index of a logical interface name, if known. */
  ifIndex(name: string): number | undefined {
    return this.ifByName.get(name) ?? this.ifByVppName.get(name);
  }

  /** Logical name of an sw_if_index, if ipnet knows it. */
  ifName(swIfIndex: number): string | undefined {
    return this.nameByIf.get(swIfIndex);
  }

  /** Records a logical interface name (tag) for an index. */
  setIf(name: string, swIfIndex: number): void {
    this.deleteIf(name);
    const prev = this.nameByIf.get(swIfIndex);
    if (prev !== undefined) this.ifByName.delete(prev);
    this.ifByName.set(name, swIfIndex);
    this.nameByIf.set(swIfIndex, name);
  }

  /** Forgets a logical interface name. */
  deleteIf(name: string): void {
    const idx = this.ifByName.get(name);
    if (idx === undefined) return;
    this.ifByName.delete(name);
    if (this.nameByIf.get(idx) === name) this.nameByIf.delete(idx);
  }

  /** Records VPP's own name of an interface (from a dump). */
  setVppName(vppName: string, swIfIndex: number): void {
    this.ifByVppName.set(vppName, swIfIndex);
  }

  /** bd_id of a bridge-domain name, if known. */
  bdId(name: string): number | undefined {
    return this.bdByName.get(name);
  }

  /** Records a bridge-domain name (its tag). */
  setBd(name: string, bdId: number): void {
    this.bdByName.set(name, bdId);
  }

  /** Forgets a bridge-domain name. */
  deleteBd(name: string): void {
    this.bdByName.delete(name);
  }

  /** A copy, so a failed transaction can be compared against or discarded. */
  clone(): NameIndex {
    const c = new NameIndex();
    for (const [n, i] of this.ifByName) c.setIf(n, i);
    for (const [n, i] of this.ifByVppName) c.setVppName(n, i);
    for (const [n, b] of this.bdByName) c.setBd(n, b);
    return c;
  }

  /** Plain form for tests and diagnostics. */
  toJSON(): { interfaces: Record<string, number>; bridgeDomains: Record<string, number> } {
    return {
      interfaces: Object.fromEntries([...this.ifByName].sort((a, b) => a[1] - b[1])),
      bridgeDomains: Object.fromEntries(this.bdByName),
    };
  }
}

/** A name the index does not know: the item it belongs to was never created (or VPP lost it). */
export class UnknownNameError extends Error {
  constructor(readonly what: 'interface' | 'bridge domain', readonly nameOf: string) {
    super(`failed to resolve ${what} ${nameOf}: VPP has no ${what} with this tag or name`);
    this.name = 'UnknownNameError';
  }
}

/** sw_if_index of `name` or UnknownNameError. */
export function mustIf(index: NameIndex, name: string): number {
  const i = index.ifIndex(name);
  if (i === undefined) throw new UnknownNameError('interface', name);
  return i;
}

/** bd_id of `name` or UnknownNameError. */
export function mustBd(index: NameIndex, name: string): number {
  const i = index.bdId(name);
  if (i === undefined) throw new UnknownNameError('bridge domain', name);
  return i;
}
