import test from 'ava';
import { openEtcdStore } from '../../src/store/etcd.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { registerStoreContract } from './contract.js';

let etcd: EtcdServer | undefined;
test.before(async () => {
  etcd = await startEtcd();
});
test.after.always(async () => {
  await etcd?.stop();
});

registerStoreContract('etcd', async () => {
  if (!etcd) throw new Error('etcd did not start');
  return openEtcdStore({ endpoints: [etcd.endpoint] });
});
