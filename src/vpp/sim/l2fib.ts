/**
 * A bridge domain's L2 FIB edits. They keep `fibByPort` (MACs per sw_if_index) in step with
 * `fib`, so a port leaving its bridge or going away touches only its own entries instead of
 * scanning the FIB (one entry per peer on the overlay).
 */
import { addToSetIn, removeFromSetIn, type L2FibEntry, type SimBridgeDomain } from './model.js';

/** Adds or replaces the entry for `e.mac`. */
export function fibSet(bd: SimBridgeDomain, e: L2FibEntry): void {
  const old = bd.fib.get(e.mac);
  if (old !== undefined) removeFromSetIn(bd.fibByPort, old.swIfIndex, old.mac);
  bd.fib.set(e.mac, e);
  addToSetIn(bd.fibByPort, e.swIfIndex, e.mac);
}

/** Removes the entry for `mac`; false if there was none. */
export function fibDelete(bd: SimBridgeDomain, mac: string): boolean {
  const e = bd.fib.get(mac);
  if (e === undefined) return false;
  bd.fib.delete(mac);
  removeFromSetIn(bd.fibByPort, e.swIfIndex, mac);
  return true;
}

/** What VPP flushes when a port leaves: its learned entries and its BVI MAC; other static entries stay. */
export function fibFlushPort(bd: SimBridgeDomain, swIfIndex: number): void {
  const macs = bd.fibByPort.get(swIfIndex);
  if (macs === undefined) return;
  for (const mac of macs) {
    const e = bd.fib.get(mac);
    if (e !== undefined && (!e.staticMac || e.bviMac)) fibDelete(bd, mac);
  }
}
