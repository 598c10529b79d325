/**
 * Turns what kubelet gave the plugin (CNI_* environment and the stdin config) into one typed,
 * validated request, applying every CNI rule here so the handlers behind the server only see
 * well-formed input.
 */
import { parseNetnsPath, NetnsPathError, type NetnsRef } from '../linux/netns-path.js';
import { CniCode, CniError } from './errors.js';
import { negotiateVersion, requireCommandInVersion, type CniVersion } from './versions.js';

/** Commands of CNI spec 1.1.0. */
export const CNI_COMMANDS = ['ADD', 'DEL', 'CHECK', 'STATUS', 'GC', 'VERSION'] as const;
/** One CNI command. */
export type CniCommand = (typeof CNI_COMMANDS)[number];

/** What the forwarder delivers: the CNI_* variables that were set, and stdin bytes. */
export interface CniRawInput {
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: Uint8Array;
}

/** The plugin's network configuration after the standard fields were checked. */
export interface CniNetworkConfig {
  readonly name: string;
  readonly type: string;
  /** Where the forwarder connects; the agent only checks its form. */
  readonly agentSocket: string | undefined;
  /** The full decoded JSON, for plugin-specific keys. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Kubernetes pod identity from CNI_ARGS. */
export interface PodRef {
  readonly namespace: string;
  readonly name: string;
}

/** ADD, DEL and CHECK: requests about one attachment (container + interface). */
export interface AttachmentRequest {
  readonly command: 'ADD' | 'DEL' | 'CHECK';
  readonly cniVersion: CniVersion;
  readonly config: CniNetworkConfig;
  readonly containerId: string;
  /** Undefined only for DEL when the runtime no longer has the namespace. */
  readonly netns: NetnsRef | undefined;
  readonly ifname: string;
  /** All CNI_ARGS pairs, verbatim. */
  readonly args: Readonly<Record<string, string>>;
  /** Required for ADD; DEL and CHECK may come without it. */
  readonly pod: PodRef | undefined;
  /** The previous ADD's result as the runtime cached it (CHECK, DEL). */
  readonly prevResult: unknown;
}

/** One attachment the runtime still considers alive (GC input). */
export interface ValidAttachment {
  readonly containerId: string;
  readonly ifname: string;
}

/** Every request the server can receive. */
export type CniRequest =
  | AttachmentRequest
  | { readonly command: 'STATUS'; readonly cniVersion: CniVersion; readonly config: CniNetworkConfig }
  | { readonly command: 'GC'; readonly cniVersion: CniVersion; readonly config: CniNetworkConfig; readonly validAttachments: readonly ValidAttachment[] }
  | { readonly command: 'VERSION'; readonly requested: string | undefined };

const REQUIRED_ENV: Record<CniCommand, readonly string[]> = {
  ADD: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  CHECK: ['CNI_CONTAINERID', 'CNI_NETNS', 'CNI_IFNAME'],
  DEL: ['CNI_CONTAINERID', 'CNI_IFNAME'],
  STATUS: [], GC: [], VERSION: [],
};

/** Container IDs and network names share the spec's pattern. */
const ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const IFNAME_PATTERN = /^[A-Za-z0-9_.@+-]{1,15}$/;
const ARG_KEY = /^[A-Za-z0-9_]+$/;

function envError(msg: string, details = ''): CniError {
  return new CniError(CniCode.InvalidEnvironment, msg, details);
}
function configError(msg: string): CniError {
  return new CniError(CniCode.InvalidConfig, `invalid network configuration: ${msg}`);
}

/** Parses CNI_ARGS (`K=V;K=V`); a pair without `=` or with an odd key is an env error. */
export function parseCniArgs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of text.split(';')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? '' : pair.slice(0, eq);
    if (!ARG_KEY.test(key)) throw envError(`invalid CNI_ARGS pair ${JSON.stringify(pair)}: expected KEY=VALUE`);
    out[key] = pair.slice(eq + 1);
  }
  return out;
}

/** Checks an interface name against the kernel's rules (and the batch-line-safe subset). */
export function validateIfname(ifname: string): void {
  if (ifname === '.' || ifname === '..' || !IFNAME_PATTERN.test(ifname)) {
    throw envError(`invalid CNI_IFNAME ${JSON.stringify(ifname)}: must be 1-15 characters of letters, digits, '_', '.', '@', '+', '-' and not "." or ".."`);
  }
}

/** Decodes stdin JSON into an object; empty or broken input is code 6, non-objects code 7. */
export function decodeConfig(stdin: Uint8Array): Record<string, unknown> {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(stdin).trim();
  if (text === '') throw new CniError(CniCode.DecodingFailure, 'failed to decode network configuration: stdin is empty');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CniError(CniCode.DecodingFailure, `failed to decode network configuration: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw configError('must be a JSON object');
  return value as Record<string, unknown>;
}

/** Best-effort version for printing an error: the config's, if readable and supported. */
export function versionForOutput(stdin: Uint8Array): string | undefined {
  try {
    const raw = decodeConfig(stdin);
    return negotiateVersion(raw.cniVersion, raw.cniVersions);
  } catch {
    return undefined;
  }
}

function checkConfig(raw: Record<string, unknown>): CniNetworkConfig {
  const { name, type, agentSocket } = raw;
  if (typeof name !== 'string' || !ID_PATTERN.test(name)) {
    throw configError('"name" is required and must start with a letter or digit, followed by letters, digits, "_", ".", "-"');
  }
  if (typeof type !== 'string' || type === '') throw configError('"type" is required and must be a non-empty string');
  if (agentSocket !== undefined && (typeof agentSocket !== 'string' || !agentSocket.startsWith('/'))) {
    throw configError('"agentSocket" must be an absolute path');
  }
  return { name, type, agentSocket, raw };
}

function parseAttachments(value: unknown): ValidAttachment[] {
  if (!Array.isArray(value)) throw configError('GC needs "cni.dev/valid-attachments" (a list of {containerID, ifname})');
  return value.map((a: unknown, i) => {
    const o = (a ?? {}) as Record<string, unknown>;
    if (typeof o.containerID !== 'string' || typeof o.ifname !== 'string') {
      throw configError(`"cni.dev/valid-attachments"[${i}] must have string "containerID" and "ifname"`);
    }
    return { containerId: o.containerID, ifname: o.ifname };
  });
}

function attachment(command: 'ADD' | 'DEL' | 'CHECK', env: Readonly<Record<string, string>>, cniVersion: CniVersion,
  config: CniNetworkConfig): AttachmentRequest {
  const containerId = env.CNI_CONTAINERID ?? '';
  if (!ID_PATTERN.test(containerId)) {
    throw envError(`invalid CNI_CONTAINERID ${JSON.stringify(containerId)}: must start with a letter or digit, followed by letters, digits, "_", ".", "-"`);
  }
  const ifname = env.CNI_IFNAME ?? '';
  validateIfname(ifname);
  let netns: NetnsRef | undefined;
  const netnsText = env.CNI_NETNS ?? '';
  if (netnsText !== '') {
    try {
      netns = parseNetnsPath(netnsText);
    } catch (err) {
      if (err instanceof NetnsPathError) throw envError(`invalid CNI_NETNS: ${err.message}`);
      throw err;
    }
  }
  const args = parseCniArgs(env.CNI_ARGS ?? '');
  const podName = args.K8S_POD_NAME;
  const podNamespace = args.K8S_POD_NAMESPACE;
  const pod = podName && podNamespace ? { name: podName, namespace: podNamespace } : undefined;
  if (command === 'ADD' && pod === undefined) {
    throw envError('CNI_ARGS must carry K8S_POD_NAMESPACE and K8S_POD_NAME for ADD', `CNI_ARGS=${JSON.stringify(env.CNI_ARGS ?? '')}`);
  }
  const prevResult = config.raw.prevResult;
  if (command === 'ADD' && prevResult !== undefined) {
    throw configError('"prevResult" on ADD: CNI chaining is not supported, ipnet-cni must be the first plugin of the list');
  }
  return { command, cniVersion, config, containerId, netns, ifname, args, pod, prevResult };
}

/** Validates one forwarded invocation; throws CniError with the code the spec prescribes. */
export function parseRequest(input: CniRawInput): CniRequest {
  const { env } = input;
  const command = env.CNI_COMMAND;
  if (command === undefined || command === '') throw envError('required env variables missing: CNI_COMMAND');
  if (!(CNI_COMMANDS as readonly string[]).includes(command)) throw envError(`unknown CNI_COMMAND: ${command}`);
  const cmd = command as CniCommand;
  if (cmd === 'VERSION') {
    let requested: string | undefined;
    try {
      const v = decodeConfig(input.stdin).cniVersion;
      requested = typeof v === 'string' ? v : undefined;
    } catch {
      requested = undefined;
    }
    return { command: 'VERSION', requested };
  }
  const missing = REQUIRED_ENV[cmd].filter((k) => (env[k] ?? '') === '');
  if (missing.length > 0) throw envError(`required env variables missing: ${missing.join(', ')}`, missing.join('\n'));
  const raw = decodeConfig(input.stdin);
  const cniVersion = negotiateVersion(raw.cniVersion, raw.cniVersions);
  requireCommandInVersion(cmd, cniVersion);
  const config = checkConfig(raw);
  if (cmd === 'STATUS') return { command: 'STATUS', cniVersion, config };
  if (cmd === 'GC') return { command: 'GC', cniVersion, config, validAttachments: parseAttachments(raw['cni.dev/valid-attachments']) };
  return attachment(cmd, env, cniVersion, config);
}
