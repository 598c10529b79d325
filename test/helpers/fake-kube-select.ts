/**
 * Selector and watch-event rules of the fake Kubernetes API server, kept apart from the HTTP
 * side so the server file stays readable. They follow the real API server: a watch with a
 * selector sees an object entering the selection as ADDED and leaving it as DELETED.
 */

/** A stored API object as JSON (the fake never needs typed fields beyond metadata). */
export interface KubeJson {
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** A watch event type the fake writes to a stream. */
export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Decides whether an object is part of what one list or watch asked for. */
export type Selection = (obj: KubeJson) => boolean;

/** Failure to parse a selector; the server answers 400 like the real one. */
export class SelectorError extends Error {
  constructor(selector: string, cause: string) {
    super(`failed to parse selector "${selector}": ${cause}`);
    this.name = 'SelectorError';
  }
}

/** Reads a dotted field path (`spec.nodeName`) of a JSON object; absent fields read as ''. */
function fieldOf(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

interface Term {
  readonly key: string;
  readonly op: '=' | '!=' | 'exists' | 'absent';
  readonly value: string;
}

function parseTerms(selector: string, allowExists: boolean): Term[] {
  const terms: Term[] = [];
  for (const raw of selector.split(',')) {
    const text = raw.trim();
    if (text === '') continue;
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(text);
    if (m !== null) {
      terms.push({ key: m[1] ?? '', op: m[2] === '!=' ? '!=' : '=', value: m[3] ?? '' });
    } else if (allowExists && /^!?[A-Za-z0-9._/-]+$/.test(text)) {
      terms.push(text.startsWith('!') ? { key: text.slice(1), op: 'absent', value: '' } : { key: text, op: 'exists', value: '' });
    } else {
      throw new SelectorError(selector, `unsupported term "${text}"`);
    }
  }
  return terms;
}

/** A field selector (`spec.nodeName=n1,metadata.namespace!=kube-system`) as a predicate. */
export function fieldSelection(selector: string | null): Selection {
  if (selector === null || selector === '') return () => true;
  const terms = parseTerms(selector, false);
  return (obj) => terms.every((t) => (fieldOf(obj, t.key) === t.value) === (t.op === '='));
}

/** A label selector of equality and existence terms (`app=web,!canary`) as a predicate. */
export function labelSelection(selector: string | null): Selection {
  if (selector === null || selector === '') return () => true;
  const terms = parseTerms(selector, true);
  return (obj) => terms.every((t) => {
    const labels = obj.metadata.labels ?? {};
    const has = Object.hasOwn(labels, t.key);
    if (t.op === 'exists') return has;
    if (t.op === 'absent') return !has;
    return (has && labels[t.key] === t.value) === (t.op === '=');
  });
}

/**
 * What a selective watch shows of one change, given the object before and after it:
 * entering the selection is ADDED, leaving it is DELETED (with the new state), and a change
 * outside the selection is not shown at all.
 */
export function visibleChange(
  type: ChangeType,
  prev: KubeJson | undefined,
  next: KubeJson,
  selected: Selection,
): ChangeType | undefined {
  const now = selected(next);
  if (type !== 'MODIFIED') return now ? type : undefined;
  const before = prev !== undefined && selected(prev);
  if (before && now) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}
