import test from 'ava';
import { decode, encode, encodeMarkingStandIns, isStandIn, MessageTable, STAND_IN_MAX, STAND_IN_MIN, defOf } from '../../src/vpp/binapi/index.js';

const table = MessageTable.fromEntries(['sw_interface_set_flags', 'ip_route_add_del', 'sw_interface_set_unnumbered', 'tap_create_v3_reply']
  .map((name, i) => ({ index: 100 + i, name: defOf(name)?.nameCrc ?? name })));

test('encoding reports where stand-in interface indexes land, nested route paths included, and writes them as plain u32s', (t) => {
  const flags = encodeMarkingStandIns(() => encode(table, 'sw_interface_set_flags', { sw_if_index: STAND_IN_MIN + 3, flags: 1 }));
  t.deepEqual(flags.at, [10]);
  t.is(flags.value.readUInt32BE(10), STAND_IN_MIN + 3);
  const route = encodeMarkingStandIns(() => encode(table, 'ip_route_add_del', {
    is_add: true,
    route: { table_id: 0, prefix: { address: { af: 0, un: { ip4: Buffer.from([10, 1, 1, 2]) } }, len: 32 }, paths: [{ sw_if_index: STAND_IN_MAX, table_id: 0 }, { sw_if_index: 7 }] },
  }));
  t.is(route.at.length, 1);
  const at = route.at[0] as number;
  t.is(route.value.readUInt32BE(at), STAND_IN_MAX);
  const back = decode(table, route.value);
  t.true(back.ok);
  if (back.ok) t.deepEqual((back.msg.route as { paths: { sw_if_index: number }[] }).paths.map((p) => p.sw_if_index), [STAND_IN_MAX, 7]);
  // both fields of unnumbered are interface indexes; real ones and ~0 are not stand-ins
  const un = encodeMarkingStandIns(() => encode(table, 'sw_interface_set_unnumbered', { sw_if_index: 4, unnumbered_sw_if_index: STAND_IN_MIN, is_add: true }));
  t.deepEqual(un.at, [14]);
  t.false(isStandIn(0xffffffff));
  t.false(isStandIn(4));
  // a run that writes no stand-in reports none, and one run's marks do not leak into the next
  t.deepEqual(encodeMarkingStandIns(() => encode(table, 'sw_interface_set_flags', { sw_if_index: 1 })).at, []);
  encode(table, 'sw_interface_set_flags', { sw_if_index: STAND_IN_MIN });
  t.deepEqual(encodeMarkingStandIns(() => encode(table, 'sw_interface_set_flags', { sw_if_index: 2 })).at, []);
});

test('a reply definition knows where its fixed fields sit, which is where a bridge reads a new index from', (t) => {
  const def = defOf('tap_create_v3_reply');
  t.is(def?.fieldOffsets['context'], 2);
  t.is(def?.fieldOffsets['retval'], 6);
  t.is(def?.fieldOffsets['sw_if_index'], 10);
});
