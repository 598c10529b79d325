import test from 'ava';
import {
  NODE_ID_PREFIX, decodeNodeRecord, encodeNodeRecord, nodeIdKey, parseNodeIdKey, sameAddressSet, smallestFreeId,
} from '../../src/nodesync/record.js';

test('node-ID keys live under the KSR allocatedIDs prefix', (t) => {
  t.is(nodeIdKey(12), '/vnf-agent/contiv-ksr/allocatedIDs/12');
  t.is(NODE_ID_PREFIX, '/vnf-agent/contiv-ksr/allocatedIDs/');
});

for (const [suffix, id] of [['1', 1], ['42', 42], ['007', 7], ['abc', 0], ['', 0], ['-1', 0], ['1.5', 0], ['1/x', 0], ['99999999999', 0]] as const) {
  test(`the key suffix "${suffix}" parses to node ID ${id}`, (t) => {
    t.is(parseNodeIdKey(NODE_ID_PREFIX + suffix), id);
  });
}

test('a key outside the prefix is invalid (ID 0)', (t) => {
  t.is(parseNodeIdKey('/vnf-agent/contiv-ksr/other/1'), 0);
});

for (const [name, rec, json] of [
  ['id and name only', { id: 1, name: 'n1', vppIPs: [] }, '{"id":1,"name":"n1"}'],
  ['addresses', { id: 2, name: 'n2', vppIPs: ['192.168.16.2/24', '10.0.0.2/8'] }, '{"id":2,"name":"n2","ip_addresses":["192.168.16.2/24","10.0.0.2/8"]}'],
  ['zero fields', { id: 0, name: '', vppIPs: [] }, '{}'],
] as const) {
  test(`a record with ${name} encodes as ${json}`, (t) => {
    t.is(encodeNodeRecord(rec), json);
    t.deepEqual(decodeNodeRecord(json), rec);
  });
}

for (const [name, json, want] of [
  ['the obsolete single ip_address', '{"id":3,"name":"old","ip_address":"192.168.16.3/24"}', { id: 3, name: 'old', vppIPs: ['192.168.16.3/24'] }],
  ['both address fields (the list wins)', '{"id":4,"name":"b","ip_address":"1.1.1.1/32","ip_addresses":["2.2.2.2/32"]}', { id: 4, name: 'b', vppIPs: ['2.2.2.2/32'] }],
  ['unknown extra fields', '{"id":5,"name":"x","future":true}', { id: 5, name: 'x', vppIPs: [] }],
  ['invalid JSON', '{"id":', undefined],
  ['an array', '[1]', undefined],
  ['a string id', '{"id":"1","name":"s"}', undefined],
  ['a non-string address', '{"id":1,"ip_addresses":[1]}', undefined],
] as const) {
  test(`decoding a record with ${name}`, (t) => {
    t.deepEqual(decodeNodeRecord(json), want);
  });
}

for (const [taken, want] of [[[], 1], [[1, 2, 3], 4], [[2, 3], 1], [[1, 3], 2], [[0, 1, 1, 2], 3], [[5, 1, 2], 3]] as const) {
  test(`the smallest free node ID with [${taken.join(',')}] taken is ${want}`, (t) => {
    t.is(smallestFreeId(taken), want);
  });
}

test('address sets compare without order or duplicates', (t) => {
  t.true(sameAddressSet(['a', 'b'], ['b', 'a', 'a']));
  t.false(sameAddressSet(['a'], ['a', 'b']));
});
