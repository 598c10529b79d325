/**
 * Runs tasks one at a time per key and in parallel across keys: CNI requests for the same
 * container must not overlap (a DEL racing its own ADD), different pods must not wait.
 */

/** Per-key FIFO of async tasks. */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every earlier task of `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(task, task);
    const tail = next.then(() => undefined, () => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }

  /** Number of keys with queued or running work (for tests and metrics). */
  get busyKeys(): number {
    return this.tails.size;
  }
}
