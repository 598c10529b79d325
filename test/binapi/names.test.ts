import test from 'ava';
import {
  BinapiEncodeError, MEMCLNT_IDS, MessageTable, Retval, VppApiError, address4, addressString, ip4Bytes, ip4String,
  macBytes, macString, nameCrc, prefix4, prefixString, retvalName,
} from '../../src/vpp/binapi/index.js';

const retvals: [number, string][] = [
  [0, 'OK'],
  [-1, 'VNET_API_ERROR_UNSPECIFIED'],
  [-2, 'VNET_API_ERROR_INVALID_SW_IF_INDEX'],
  [-3, 'VNET_API_ERROR_NO_SUCH_FIB'],
  [-6, 'VNET_API_ERROR_NO_SUCH_ENTRY'],
  [-7, 'VNET_API_ERROR_INVALID_VALUE'],
  [-31, 'VNET_API_ERROR_INVALID_REGISTRATION'],
  [-52, 'VNET_API_ERROR_NO_PATHS_IN_ROUTE'],
  [-54, 'VNET_API_ERROR_NO_MATCHING_INTERFACE'],
  [-60, 'VNET_API_ERROR_ADDRESS_NOT_FOUND_FOR_INTERFACE'],
  [-75, 'VNET_API_ERROR_TUNNEL_EXIST'],
  [-79, 'VNET_API_ERROR_IF_ALREADY_EXISTS'],
  [-105, 'VNET_API_ERROR_ADDRESS_IN_USE'],
  [-114, 'VNET_API_ERROR_ADDRESS_FOUND_FOR_INTERFACE'],
  [-119, 'VNET_API_ERROR_BD_ALREADY_EXISTS'],
  [-152, 'VNET_API_ERROR_BD_ALREADY_HAS_BVI'],
  [-165, 'VNET_API_ERROR_EAGAIN'],
  [-171, 'VNET_API_ERROR_INVALID_PREFIX_LENGTH'],
  [-42, 'VNET_API_ERROR_UNKNOWN(-42)'],
];
for (const [code, name] of retvals) {
  test(`retval ${code} is named ${name}`, (t) => t.is(retvalName(code), name));
}

test('every named retval maps back to its own name', (t) => {
  for (const [name, code] of Object.entries(Retval)) t.is(retvalName(code), code === 0 ? 'OK' : `VNET_API_ERROR_${name}`);
});

test('VppApiError carries the retval, its name and what was being done', (t) => {
  const err = new VppApiError(-6, 'delete neighbour 10.1.1.2 on tap3');
  t.is(err.retval, -6);
  t.is(err.retvalName, 'VNET_API_ERROR_NO_SUCH_ENTRY');
  t.is(err.message, 'failed to delete neighbour 10.1.1.2 on tap3: VPP returned -6 (VNET_API_ERROR_NO_SUCH_ENTRY)');
});

test('IPv4, MAC, address and prefix helpers convert both ways', (t) => {
  t.deepEqual([...ip4Bytes('10.1.255.0')], [10, 1, 255, 0]);
  t.deepEqual([...ip4Bytes('0.99.100.249')], [0, 99, 100, 249]);
  t.throws(() => ip4Bytes('10.1.1.256'), { message: 'failed to parse IPv4 address "10.1.1.256": bad part "256"' });
  t.throws(() => ip4Bytes('10.1.1'), { message: 'failed to parse IPv4 address "10.1.1": not 4 dotted parts' });
  t.is(ip4String([192, 168, 0, 1]), '192.168.0.1');
  t.deepEqual([...macBytes('02:FE:0a:00:00:01')], [2, 254, 10, 0, 0, 1]);
  t.deepEqual([...macBytes('ff:Af:90:09:aB:cd')], [255, 175, 144, 9, 171, 205]);
  t.is(macString([2, 254, 10, 0, 0, 1]), '02:fe:0a:00:00:01');
  t.deepEqual(address4('10.0.0.1'), { af: 0, un: { ip4: Uint8Array.from([10, 0, 0, 1]) } });
  t.is(addressString({ af: 0, un: { ip4: Uint8Array.from([10, 0, 0, 1]), ip6: new Uint8Array(16) } }), '10.0.0.1');
  const p = prefix4('10.2.0.0/16');
  t.is(p.len, 16);
  const un = new Uint8Array(16);
  un[0] = 0xfd;
  un[15] = 1;
  t.is(prefixString({ address: { af: 1, un: { ip4: un.slice(0, 4), ip6: un } }, len: 64 }), 'fd00:0:0:0:0:0:0:1/64');
});

const badText: [string, () => unknown][] = [
  ['an IPv4 address with three parts', () => ip4Bytes('10.1.1')],
  ['an IPv4 part above 255', () => ip4Bytes('10.1.1.256')],
  ['an IPv4 part with a leading zero', () => ip4Bytes('10.01.1.1')],
  ['an IPv4 address with an empty part', () => ip4Bytes('10..1.1')],
  ['an IPv4 address with a sign', () => ip4Bytes('10.+1.1.1')],
  ['an IPv4 address with five parts', () => ip4Bytes('10.1.1.1.1')],
  ['an IPv4 part of four digits', () => ip4Bytes('10.1.1.0001')],
  ['a MAC with five octets', () => macBytes('02:fe:00:00:01')],
  ['a MAC with a non-hex digit', () => macBytes('02:fe:0g:00:00:01')],
  ['a MAC with dashes', () => macBytes('02-fe-0a-00-00-01')],
  ['a MAC with a one-digit octet', () => macBytes('2:fe:0a:00:00:01:')],
  ['a MAC with a trailing colon', () => macBytes('02:fe:0a:00:00:1:')],
  ['a prefix without a length', () => prefix4('10.0.0.0')],
  ['a prefix longer than 32', () => prefix4('10.0.0.0/33')],
];
for (const [what, run] of badText) {
  test(`the text helpers refuse ${what}`, (t) => {
    t.throws(run, { instanceOf: BinapiEncodeError, message: /^failed to parse/ });
  });
}

test('a bootstrap table knows only the fixed memclnt ids', (t) => {
  const table = MessageTable.bootstrap();
  t.is(table.idOf('sockclnt_create'), MEMCLNT_IDS.sockclnt_create);
  t.is(table.idOf('control_ping_reply'), 24);
  t.is(table.idOf('memclnt_create_v2'), 25);
  t.false(table.has('sw_interface_dump'));
  t.is(table.nameOf(15), 'sockclnt_create');
});

test('an assigned server table keeps memclnt fixed, numbers the rest in order and lists entries by id', (t) => {
  const table = MessageTable.assign(['sw_interface_dump', 'control_ping', 'sw_interface_details'], 500);
  t.is(table.idOf('sw_interface_dump'), 500);
  t.is(table.idOf('control_ping'), 23);
  t.is(table.idOf('sw_interface_details'), 501);
  const entries = table.entries();
  t.deepEqual(entries.map((e) => e.index), [...entries.map((e) => e.index)].sort((a, b) => a - b));
  t.true(entries.some((e) => e.index === 501 && e.name === nameCrc('sw_interface_details')));
});

test('a handshake table keeps ids of messages the codec does not define and refuses duplicate ids', (t) => {
  const table = new MessageTable([['ipsec_sa_dump_2076c2f4', 700], [nameCrc('tap_create_v3'), 701]]);
  t.is(table.nameCrcOf(700), 'ipsec_sa_dump_2076c2f4');
  t.is(table.nameOf(700), undefined);
  t.is(table.idOf('tap_create_v3'), 701);
  t.throws(() => new MessageTable([['a_00000000', 5], ['b_00000000', 5]]), { message: /id 5 given to both a_00000000 and b_00000000/ });
  t.throws(() => new MessageTable([['a_00000000', 0]]), { message: /id 0 of a_00000000 is not a u16 above 0/ });
});

test('a table whose memclnt ids come from VPP does not get the fixed ones layered over them', (t) => {
  const table = new MessageTable([['control_ping_deadbeef', 23]]);
  t.false(table.has('control_ping'));
  t.is(table.nameCrcOf(23), 'control_ping_deadbeef');
});
