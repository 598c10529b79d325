/**
 * Composition-root entry to the store: the compiled StoreConfig picks the backend, so the
 * rest of the agent depends only on the Store interface.
 */
import type { StoreConfig } from '../config/types.js';
import { StoreRequestError } from './errors.js';
import { openEmbeddedStore } from './embedded.js';
import type { Store } from './types.js';

/** Opens the configured backend: etcd (`endpoints`; `path` unused) or the embedded file at `path`. */
export async function openStore(cfg: StoreConfig): Promise<Store> {
  if (cfg.type === 'etcd') {
    if (cfg.endpoints.length === 0) throw new StoreRequestError('failed to open etcd store: no endpoints configured');
    // etcd3 and its gRPC stack take a second and tens of MiB to load: only an etcd agent pays.
    // An unreachable etcd is not fatal here: the store starts disconnected and reconnects.
    const { openEtcdStore } = await import('./etcd.js');
    return openEtcdStore({ endpoints: cfg.endpoints });
  }
  if (!cfg.path) throw new StoreRequestError('failed to open embedded store: no file path configured');
  return openEmbeddedStore(cfg.path);
}
