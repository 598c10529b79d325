/**
 * VPP `retval` codes (negative VNET_API_ERROR_* values) the handlers of our message set return,
 * so the simulator answers with the same numbers and logs and errors show names, not digits.
 */

/** Named retval codes, for the simulator to return and the agent to compare against. */
export const Retval = {
  OK: 0,
  UNSPECIFIED: -1,
  INVALID_SW_IF_INDEX: -2,
  NO_SUCH_FIB: -3,
  NO_SUCH_ENTRY: -6,
  INVALID_VALUE: -7,
  UNIMPLEMENTED: -9,
  INVALID_SW_IF_INDEX_2: -10,
  SYSCALL_ERROR_1: -11,
  SYSCALL_ERROR_2: -12,
  SYSCALL_ERROR_3: -13,
  FEATURE_DISABLED: -30,
  INVALID_REGISTRATION: -31,
  NO_PATHS_IN_ROUTE: -52,
  NO_MATCHING_INTERFACE: -54,
  ADDRESS_NOT_FOUND_FOR_INTERFACE: -60,
  NO_SUCH_TABLE: -65,
  INVALID_INTERFACE: -71,
  UNEXPECTED_INTF_STATE: -74,
  TUNNEL_EXIST: -75,
  INVALID_DECAP_NEXT: -76,
  IF_ALREADY_EXISTS: -79,
  SAME_SRC_DST: -82,
  ADDRESS_IN_USE: -105,
  ADDRESS_FOUND_FOR_INTERFACE: -114,
  BD_ALREADY_EXISTS: -119,
  BD_IN_USE: -120,
  BD_NOT_MODIFIABLE: -121,
  BD_ID_EXCEED_MAX: -122,
  UNSUPPORTED: -126,
  INIT_FAILED: -144,
  NETLINK_ERROR: -145,
  INSTANCE_IN_USE: -147,
  NON_ETHERNET: -151,
  BD_ALREADY_HAS_BVI: -152,
  LIMIT_EXCEEDED: -162,
  EAGAIN: -165,
  INVALID_PREFIX_LENGTH: -171,
} as const;

const byCode = new Map<number, string>(
  Object.entries(Retval).map(([name, code]) => [code, code === 0 ? 'OK' : `VNET_API_ERROR_${name}`]),
);

/** Name of a retval (`-6` → `VNET_API_ERROR_NO_SUCH_ENTRY`); unknown codes print numerically. */
export function retvalName(code: number): string {
  return byCode.get(code) ?? `VNET_API_ERROR_UNKNOWN(${code})`;
}
