import test from 'ava';
import {
  BinapiDecodeError, BinapiEncodeError, MAX_MESSAGE_BYTES, MessageTable, UnknownMessageError, decode, encode,
  encodeDynamic, messageNames, nameCrc,
} from '../../src/vpp/binapi/index.js';

const table = MessageTable.assign(messageNames(), 0x0400);

function rejected(t: import('ava').ExecutionContext, frame: Buffer, reason: BinapiDecodeError['reason'], text: RegExp): void {
  const r = decode(table, frame);
  if (r.ok) return void t.fail(`decoded ${r.name} instead of rejecting`);
  t.true(r.error instanceof BinapiDecodeError);
  t.is(r.error.reason, reason);
  t.regex(r.error.message, text);
}

const shortCases: [string, () => Buffer, RegExp][] = [
  ['an empty frame', () => Buffer.alloc(0), /no message id/],
  ['a single byte', () => Buffer.from([0x04]), /no message id/],
  ['sw_interface_set_flags cut to 17 of 18 bytes', () => encode(table, 'sw_interface_set_flags', { flags: 1 }).subarray(0, 17), /sw_interface_set_flags\.flags/],
  ['sw_interface_dump without the name_filter length', () => encode(table, 'sw_interface_dump', {}).subarray(0, 15), /name_filter: string length needs 4 bytes/],
  ['a reply header missing its retval', () => encode(table, 'create_loopback_reply', {}).subarray(0, 8), /retval/],
];
for (const [what, frame, text] of shortCases) {
  test(`decode rejects ${what} as short`, (t) => rejected(t, frame(), 'short', text));
}

test('decode rejects a count larger than the elements that follow, before allocating them', (t) => {
  const frame = encode(table, 'bridge_domain_details', { bd_id: 1, sw_if_details: [{ sw_if_index: 2 }] });
  frame.writeUInt32BE(1_000_000_000, 2 + 4 + 4 + 7 + 64 + 8); // n_sw_ifs
  rejected(t, frame, 'inconsistent', /bridge_domain_details\.sw_if_details: count n_sw_ifs=1000000000 needs at least 9000000000 bytes/);
});

test('decode rejects an ip_route with n_paths 3 but two paths on the wire', (t) => {
  const frame = encode(table, 'ip_route_details', { route: { paths: [{}, {}] } });
  frame[2 + 4 + 26] = 3;
  rejected(t, frame, 'inconsistent', /ip_route_details\.route\.paths: count n_paths=3/);
});

test('decode rejects a string length running past the end of the frame', (t) => {
  const frame = encode(table, 'cli_inband_reply', { reply: 'ok' });
  frame.writeUInt32BE(0xffffffff, 10);
  rejected(t, frame, 'inconsistent', /cli_inband_reply\.reply: string length 4294967295 .* runs past the frame/);
});

test('decode rejects an id missing from the table', (t) => {
  const frame = Buffer.from([0xff, 0xfe, 0, 0, 0, 0]);
  rejected(t, frame, 'unknown-id', /message id 65534: not in the message table/);
});

test('decode rejects an id the table has but the codec does not define, naming it', (t) => {
  const other = new MessageTable([['ipsec_spd_add_del_20e89a95', 0x0300]]);
  const r = decode(other, Buffer.from([0x03, 0x00, 0, 0, 0, 0]));
  t.false(r.ok);
  if (!r.ok) t.regex(r.error.message, /ipsec_spd_add_del_20e89a95 has no definition/);
});

test('decode rejects trailing bytes by default and ignores them on request, as VPP does', (t) => {
  const frame = Buffer.concat([encode(table, 'control_ping_reply', { context: 4, vpe_pid: 77 }), Buffer.from([1, 2, 3])]);
  rejected(t, frame, 'trailing', /control_ping_reply: 3 trailing bytes/);
  const lenient = decode(table, frame, { trailing: 'ignore' });
  t.true(lenient.ok);
  if (lenient.ok) t.is(lenient.msg.vpe_pid, 77);
});

test('decode rejects a frame larger than the message limit without reading it', (t) => {
  const frame = Buffer.alloc(MAX_MESSAGE_BYTES + 1);
  frame.writeUInt16BE(table.idOf('cli_inband_reply'), 0);
  rejected(t, frame, 'oversized', /exceed the 4194304-byte limit/);
});

const encodeErrors: [string, () => unknown, RegExp][] = [
  ['a u8 above 255', () => encode(table, 'sw_interface_set_l2_bridge', { shg: 256 }), /sw_interface_set_l2_bridge\.shg: 256 is not a u8/],
  ['a negative u32', () => encode(table, 'sw_interface_set_flags', { sw_if_index: -1 }), /sw_if_index: -1 is not a u32/],
  ['a fractional u16', () => encode(table, 'hw_interface_set_mtu', { mtu: 1500.5 }), /mtu: 1500.5 is not a u16/],
  ['a 64-byte string in string[64]', () => encode(table, 'sw_interface_tag_add_del', { tag: 'x'.repeat(64) }), /tag: string of 64 bytes exceeds 63/],
  ['a 7-byte MAC', () => encode(table, 'create_loopback', { mac_address: [1, 2, 3, 4, 5, 6, 7] }), /mac_address: 7 bytes exceed 6/],
  ['256 paths behind a u8 count', () => encode(table, 'ip_route_add_del', { route: { paths: Array.from({ length: 256 }, () => ({})) } }), /route\.n_paths: 256 is not a u8/],
  ['five MTUs in mtu[4]', () => encode(table, 'sw_interface_set_mtu', { mtu: [1, 2, 3, 4, 5] }), /mtu: 5 elements exceed 4/],
  ['a non-object nested struct', () => encodeDynamic(table, 'ip_table_add_del', { table: 5 }), /ip_table_add_del\.table: expected an object/],
];
for (const [what, run, text] of encodeErrors) {
  test(`encode refuses ${what} with a BinapiEncodeError naming the field`, (t) => {
    t.throws(run, { instanceOf: BinapiEncodeError, message: text });
  });
}

test('encode refuses a message the table lacks with UnknownMessageError carrying its name_crc', (t) => {
  const small = MessageTable.bootstrap();
  const err = t.throws(() => encode(small, 'tap_create_v3', {}), { instanceOf: UnknownMessageError });
  t.is(err?.nameCrc, nameCrc('tap_create_v3'));
  t.throws(() => encodeDynamic(table, 'no_such_message', {}), { instanceOf: UnknownMessageError });
});

test('encode turns bodies of the wrong shape into BinapiEncodeError, never a bare TypeError', (t) => {
  const bad: [string, Record<string, unknown>][] = [
    ['sw_interface_tag_add_del', { tag: 5 }],
    ['cli_inband', { cmd: {} }],
    ['create_loopback', { mac_address: 7 }],
    ['create_loopback', { mac_address: null }],
    ['ip_route_add_del', { route: { paths: 3 } }],
    ['ip_route_add_del', { route: { prefix: { address: { un: null } } } }],
    ['sw_interface_set_mtu', { mtu: null }],
    ['ip_neighbor_details', { age: 'old' }],
    ['memclnt_create_v2', { input_queue: 'x' }],
  ];
  for (const [name, body] of bad) t.throws(() => encodeDynamic(table, name, body), { instanceOf: BinapiEncodeError }, `${name} ${JSON.stringify(body)}`);
});
