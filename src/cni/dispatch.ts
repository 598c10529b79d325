/**
 * One CNI invocation from raw input to printed answer: validate, call the handler, render the
 * result or the error for the negotiated version. Kept apart from the socket so it can be
 * driven directly and so the server is only transport.
 */
import { CniCode, CniError, causeText, errorBody } from './errors.js';
import { parseRequest, versionForOutput, type AttachmentRequest, type CniRawInput, type CniRequest, type ValidAttachment } from './request.js';
import { formatResult, renderJson, type PodNetworkResult } from './result.js';
import { LATEST_VERSION, versionInfo } from './versions.js';

/** What the agent does for each command; implemented by the pod actors (and by tests). */
export interface CniHandler {
  /** Wire the pod and return what it got; throw CniError to choose the code. */
  add(req: AttachmentRequest): Promise<PodNetworkResult>;
  /** Undo ADD; must succeed when the pod or its netns is already gone. */
  del(req: AttachmentRequest): Promise<void>;
  /** Throw (CniError code 103 preferred) when the pod's network differs from what ADD made. */
  check(req: AttachmentRequest): Promise<void>;
  /** Throw when ADD cannot be served now (mapped to code 50 unless a CniError says 51). */
  status(): Promise<void>;
  /** Release everything not attached to one of `validAttachments`. */
  gc(validAttachments: readonly ValidAttachment[]): Promise<void>;
}

/** Exit status and stdout the forwarder prints for one invocation. */
export interface CniAnswer {
  readonly exitCode: number;
  readonly stdout: string;
  /** The validated request, when validation passed (for logging). */
  readonly request?: CniRequest;
}

function describe(req: AttachmentRequest): string {
  const pod = req.pod ? `pod ${req.pod.namespace}/${req.pod.name} ` : '';
  return `${pod}(container ${req.containerId}, ${req.ifname})`;
}

function asCniError(err: unknown, fallbackCode: number, doing: string): CniError {
  if (err instanceof CniError) return err;
  return new CniError(fallbackCode, `failed to ${doing}: ${causeText(err)}`, '', { cause: err });
}

async function run(req: CniRequest, handler: CniHandler): Promise<string> {
  switch (req.command) {
    case 'VERSION':
      return renderJson(versionInfo(req.requested));
    case 'ADD': {
      const result = await handler.add(req).catch((e: unknown) => { throw asCniError(e, CniCode.Internal, `add ${describe(req)}`); });
      return renderJson(formatResult(result, req.cniVersion));
    }
    case 'DEL':
      await handler.del(req).catch((e: unknown) => { throw asCniError(e, CniCode.Internal, `delete ${describe(req)}`); });
      return '';
    case 'CHECK':
      await handler.check(req).catch((e: unknown) => { throw asCniError(e, CniCode.CheckFailed, `check ${describe(req)}`); });
      return '';
    case 'STATUS':
      await handler.status().catch((e: unknown) => { throw asCniError(e, CniCode.NotAvailable, 'serve ADD requests'); });
      return '';
    case 'GC':
      await handler.gc(req.validAttachments).catch((e: unknown) => { throw asCniError(e, CniCode.Internal, 'garbage-collect attachments'); });
      return '';
  }
}

/** Validates and runs one invocation; never throws: every failure becomes a CNI error answer. */
export async function dispatch(input: CniRawInput, handler: CniHandler): Promise<CniAnswer> {
  let req: CniRequest | undefined;
  try {
    req = parseRequest(input);
    return { exitCode: 0, stdout: await run(req, handler), request: req };
  } catch (err) {
    const e = asCniError(err, CniCode.Internal, 'handle CNI request');
    const version = req && 'cniVersion' in req ? req.cniVersion : (versionForOutput(input.stdin) ?? LATEST_VERSION);
    return { exitCode: 1, stdout: renderJson(errorBody(e, version)), request: req };
  }
}

/** The container a request is about, for serialising requests per container. */
export function serialKey(env: Readonly<Record<string, string>>): string | undefined {
  const id = env.CNI_CONTAINERID;
  return id ? id : undefined;
}
