import test from 'ava';
import { SimAddressError, addressToBytes, macToBytes } from '../../src/vpp/sim/addr.js';

test('IPv4 text parses to bytes; anything but four parts of 1-3 digits up to 255 is refused with a clear error', (t) => {
  t.deepEqual([...addressToBytes('10.0.0.1')], [10, 0, 0, 1]);
  t.deepEqual([...addressToBytes('255.255.255.255')], [255, 255, 255, 255]);
  t.deepEqual([...addressToBytes('010.1.1.001')], [10, 1, 1, 1]);
  for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1.2.3.', '.1.2.3', '1.2.3.4a', '1.2.3.0001', ' 1.2.3.4', '1.2.3.-4']) {
    const err = t.throws(() => addressToBytes(bad), { instanceOf: SimAddressError }, bad);
    t.is(err?.message, `failed to parse IPv4 address "${bad}"`);
  }
});

test('MAC text parses to bytes in either case; any other shape is refused with a clear error', (t) => {
  t.deepEqual([...macToBytes('02:FE:aa:00:0b:ff')], [2, 0xfe, 0xaa, 0, 0x0b, 0xff]);
  for (const bad of ['', '02:fe:aa:00:0b', '02-fe-aa-00-0b-ff', '02:fe:aa:00:0b:fg', '2:fe:aa:00:0b:ff0', '02:fe:aa:00:0b:ff:', '02:fe:aa:00:0g:ff']) {
    const err = t.throws(() => macToBytes(bad), { instanceOf: SimAddressError }, bad);
    t.is(err?.message, `failed to parse MAC "${bad}"`);
  }
});
