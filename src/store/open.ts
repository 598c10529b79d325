/**
 * Composition-root entry to the store: the compiled StoreConfig picks the backend, so the
 * rest of the agent depends only on the Store interface.
 */
import type { StoreConfig } from '../config/types.js';
import { StoreRequestError } from './errors.js';
import { openEmbeddedStore } from './embedded.js';
import { openEtcdStore } from './etcd.js';
import type { Store } from './types.js';

/** Opens the configured backend: etcd (`endpoints`; `path` unused) or the embedded file at `path`. */
export async function openStore(cfg: StoreConfig): Promise<Store> {
  if (cfg.type === 'etcd') {
    if (cfg.endpoints.length === 0) throw new StoreRequestError('failed to open etcd store: no endpoints configured');
    // An unreachable etcd is not fatal here: the store starts disconnected and reconnects.
    return openEtcdStore({ endpoints: cfg.endpoints });
  }
  if (!cfg.path) throw new StoreRequestError('failed to open embedded store: no file path configured');
  return openEmbeddedStore(cfg.path);
}
