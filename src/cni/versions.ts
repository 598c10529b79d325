/**
 * CNI spec versions ipnet speaks and how one is chosen, so results come out in exactly the
 * shape the runtime asked for.
 */
import { CniCode, CniError } from './errors.js';

/** Spec versions ipnet can read requests in and print results for (oldest first). */
export const SUPPORTED_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;

/** One supported spec version. */
export type CniVersion = (typeof SUPPORTED_VERSIONS)[number];

/** The newest version: used for output when the request's version is unknown. */
export const LATEST_VERSION: CniVersion = '1.1.0';

/** True when `v` is a version ipnet supports. */
export function isSupported(v: string): v is CniVersion {
  return (SUPPORTED_VERSIONS as readonly string[]).includes(v);
}

/** Numeric comparison of dotted versions (`0.4.0` < `1.0.0`); non-numbers sort as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The VERSION command's answer: echoes a supported requested version, else the latest. */
export function versionInfo(requested: string | undefined): { cniVersion: string; supportedVersions: string[] } {
  const cniVersion = requested !== undefined && isSupported(requested) ? requested : LATEST_VERSION;
  return { cniVersion, supportedVersions: [...SUPPORTED_VERSIONS] };
}

function incompatible(msg: string): CniError {
  return new CniError(CniCode.IncompatibleVersion, msg, `supported versions: ${SUPPORTED_VERSIONS.join(', ')}`);
}

/**
 * Picks the version a request speaks: `cniVersion` when given (the runtime's choice), else
 * the newest common entry of a `cniVersions` list (spec 1.1.0 negotiation). A missing version
 * means 0.1.0, which ipnet does not speak.
 */
export function negotiateVersion(cniVersion: unknown, cniVersions: unknown): CniVersion {
  if (cniVersion !== undefined) {
    if (typeof cniVersion !== 'string') {
      throw new CniError(CniCode.InvalidConfig, 'invalid network configuration: "cniVersion" must be a string');
    }
    if (!isSupported(cniVersion)) throw incompatible(`incompatible CNI versions: config requests ${cniVersion}`);
    return cniVersion;
  }
  if (cniVersions !== undefined) {
    if (!Array.isArray(cniVersions) || !cniVersions.every((v) => typeof v === 'string')) {
      throw new CniError(CniCode.InvalidConfig, 'invalid network configuration: "cniVersions" must be a list of strings');
    }
    const common = (cniVersions as string[]).filter(isSupported).sort(compareVersions);
    const best = common[common.length - 1];
    if (best === undefined) throw incompatible(`incompatible CNI versions: config offers ${cniVersions.join(', ') || 'none'}`);
    return best;
  }
  throw incompatible('incompatible CNI versions: config has no cniVersion (means 0.1.0)');
}

/** Oldest version in which each command exists; older configs get code 1 for it. */
export const COMMAND_SINCE = {
  ADD: '0.3.0', DEL: '0.3.0', VERSION: '0.3.0', CHECK: '0.4.0', STATUS: '1.1.0', GC: '1.1.0',
} as const;

/** Throws code 1 when `command` does not exist in `version` (e.g. CHECK with 0.3.1). */
export function requireCommandInVersion(command: keyof typeof COMMAND_SINCE, version: CniVersion): void {
  const since = COMMAND_SINCE[command];
  if (compareVersions(version, since) < 0) {
    throw incompatible(`config version ${version} does not allow ${command} (needs ${since} or newer)`);
  }
}
