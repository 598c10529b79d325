/**
 * YAML text → LoadResult. YAML is read as version 1.1, as contiv's go-yaml v2 reads it, so
 * deployment files keep their meaning (`yes`/`no`/`on`/`off` are booleans, `010` is octal).
 */
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { compileConfig, deepFreeze, type ConfigEnv, type LoadResult } from './compile.js';
import type { ConfigProblem } from './types.js';

/** Aliases expanded at most this often (guards against "billion laughs" files). */
const maxAliasCount = 100;

/** One YAML diagnostic as a problem keyed by the source name, with line and column. */
function yamlProblem(source: string, e: YAMLError, lines: LineCounter, severity: 'error' | 'warning'): ConfigProblem {
  const at = lines.linePos(e.pos[0]);
  return { severity, key: source, value: undefined, reason: `line ${at.line}, column ${at.col}: ${e.message} (${e.code})` };
}

/**
 * Parses and compiles config text. `source` names the text in problems (the file path when
 * there is one).
 */
export function parseConfigText(yamlText: string, env: ConfigEnv, source = '<file>'): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { version: '1.1', prettyErrors: false, lineCounter: lines, uniqueKeys: true });
  const yamlWarnings = doc.warnings.map((w) => yamlProblem(source, w, lines, 'warning'));
  if (doc.errors.length > 0) {
    const problems = [...doc.errors.map((e) => yamlProblem(source, e, lines, 'error')), ...yamlWarnings];
    return { config: undefined, problems: deepFreeze(problems) };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount });
  } catch (err) {
    const reason = `failed to decode YAML: ${err instanceof Error ? err.message : String(err)}`;
    return { config: undefined, problems: deepFreeze([{ severity: 'error', key: source, value: undefined, reason }, ...yamlWarnings]) };
  }
  const compiled = compileConfig(raw, env);
  if (yamlWarnings.length === 0) return compiled;
  return { config: compiled.config, problems: Object.freeze([...deepFreeze(yamlWarnings), ...compiled.problems]) };
}
