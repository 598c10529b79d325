/** What the bridge client reports besides call results, and a small typed listener registry. */

/** Events of BridgeClient, dot-free names because they are keys of `on()`. */
export interface BridgeClientEvents {
  /** A session is up (first connect or after a reconnect); message IDs come from its table. */
  connected: { readonly clientIndex: number; readonly messages: number };
  /** The session ended; calls in flight failed with BridgeClosedError; reconnecting follows. */
  disconnected: { readonly reason: string };
  /** VPP restarted: every sw_if_index, table and message ID learned before is void. */
  restart: { readonly previousPid: number | undefined; readonly pid: number | undefined; readonly reason: string };
  /** An unsolicited VPP message (e.g. `sw_interface_event`), decoded. */
  event: { readonly name: string; readonly msg: Record<string, unknown> };
}

/** Typed listener registry; a throwing listener cannot break the client's receive loop. */
export class Listeners<E extends object> {
  private readonly map = new Map<keyof E, Set<(e: never) => void>>();

  /** Adds a listener and returns its remover. */
  on<K extends keyof E>(event: K, fn: (e: E[K]) => void): () => void {
    let set = this.map.get(event);
    if (set === undefined) {
      set = new Set();
      this.map.set(event, set);
    }
    set.add(fn as (e: never) => void);
    return () => set.delete(fn as (e: never) => void);
  }

  /** Calls every listener of `event`; their errors are re-thrown asynchronously, not here. */
  emit<K extends keyof E>(event: K, e: E[K]): void {
    for (const fn of this.map.get(event) ?? []) {
      try {
        (fn as (e: E[K]) => void)(e);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
