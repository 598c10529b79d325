/**
 * Session and control messages (memclnt, vpe, vlib; spec §1.4, §2.2): the handshake that
 * yields the message table, the ping that ends dump streams, and version/CLI diagnostics.
 */
import { bool, fstring, i32, u16, u32, u64, vstring } from '../codec.js';
import { bootstrap, details, reply, request } from '../define.js';
import { array, vla } from '../struct.js';
import { messageTableEntry, moduleVersion } from '../types.js';

/** memclnt, vpe and vlib message layouts. */
export const memclntMessages = {
  sockclnt_create: bootstrap('455fb9c4', { context: u32, name: fstring(64) }),
  sockclnt_create_reply: bootstrap('35166268', {
    client_index: u32, context: u32, response: i32, index: u32, count: u16,
    message_table: vla('count', messageTableEntry),
  }),
  sockclnt_delete: request('8ac76db6', { index: u32 }),
  sockclnt_delete_reply: details('8f38b1ee', { response: i32 }),
  memclnt_create_v2: bootstrap('c4bd4882', {
    context: u32, ctx_quota: i32, input_queue: u64, name: fstring(64), api_versions: array(8, u32), keepalive: bool,
  }),
  memclnt_create_v2_reply: bootstrap('42ec4560', {
    context: u32, response: i32, handle: u64, index: u32, message_table: u64,
  }),
  // The keepalive pair has the bare request/reply shapes, hence the shared header-only CRCs.
  memclnt_keepalive: request('51077d14', {}),
  memclnt_keepalive_reply: reply('e8d4e804', {}),
  control_ping: request('51077d14', {}),
  control_ping_reply: reply('f6b0b8ca', { client_index: u32, vpe_pid: u32 }),
  get_first_msg_id: request('ebf79a66', { name: fstring(64) }),
  get_first_msg_id_reply: reply('7d337472', { first_msg_id: u16 }),
  api_versions: request('51077d14', {}),
  api_versions_reply: reply('5f0d99d6', { count: u32, api_versions: vla('count', moduleVersion) }),
  show_version: request('51077d14', {}),
  show_version_reply: reply('c919bde1', {
    program: fstring(32), version: fstring(32), build_date: fstring(32), build_directory: fstring(256),
  }),
  cli_inband: request('f8377302', { cmd: vstring }),
  cli_inband_reply: reply('05879051', { reply: vstring }),
};
