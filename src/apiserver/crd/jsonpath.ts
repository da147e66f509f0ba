/**
 * A small evaluator for the JSONPath subset CRD additionalPrinterColumns use (k8s.io/client-go
 * util/jsonpath): `.spec.replicas`, `.metadata.labels['app\.kubernetes\.io/name']`,
 * `.spec.items[0].name`, `.spec.items[*].name`, `.status.conditions[?(@.type=="Ready")].status`.
 * Missing keys yield no results (upstream evaluates columns with AllowMissingKeys).
 */

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: Step[]; op?: string; value?: unknown };

/** Parses a path like `.a.b[0]`; throws on syntax it does not support. */
export function parseJsonPath(expr: string): Step[] {
  let s = expr.trim();
  if (s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1).trim();
  if (s.startsWith('$')) s = s.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      i++;
      let name = '';
      while (i < s.length && s[i] !== '.' && s[i] !== '[') {
        if (s[i] === '\\' && i + 1 < s.length) i++;
        name += s[i];
        i++;
      }
      if (name) steps.push({ kind: 'field', name });
    } else if (c === '[') {
      const end = findClose(s, i);
      const inner = s.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^(['"]).*\1$/.test(inner)) steps.push({ kind: 'field', name: inner.slice(1, -1).replace(/\\(.)/g, '$1') });
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push(parseFilter(inner.slice(2, -1).trim()));
      else throw new Error(`unsupported JSONPath segment [${inner}]`);
    } else {
      throw new Error(`unrecognized character in JSONPath at ${i}: ${expr}`);
    }
  }
  return steps;
}

function findClose(s: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  throw new Error(`unclosed [ in JSONPath: ${s}`);
}

function parseFilter(expr: string): Step {
  const m = /^@((?:\.[^=!<>\s]+|\[[^\]]+\])*)\s*(==|!=|<=|>=|<|>)?\s*(.*)$/.exec(expr);
  if (!m) throw new Error(`unsupported JSONPath filter ${expr}`);
  const path = parseJsonPath(m[1] ?? '');
  if (!m[2]) return { kind: 'filter', path };
  const raw = (m[3] ?? '').trim();
  let value: unknown = raw;
  if (/^(['"]).*\1$/.test(raw)) value = raw.slice(1, -1);
  else if (raw === 'true' || raw === 'false') value = raw === 'true';
  else if (raw !== '' && !Number.isNaN(Number(raw))) value = Number(raw);
  return { kind: 'filter', path, op: m[2], value };
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
  if (typeof a !== 'number' || typeof b !== 'number') return false;
  return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
}

/** Every value the path selects in `obj` (empty when any step is missing). */
export function evalJsonPath(obj: unknown, path: string | Step[]): unknown[] {
  const steps = typeof path === 'string' ? parseJsonPath(path) : path;
  let cur: unknown[] = [obj];
  for (const st of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (st.kind === 'field') {
        if (typeof v === 'object' && v !== null && !Array.isArray(v) && (v as Record<string, unknown>)[st.name] !== undefined) next.push((v as Record<string, unknown>)[st.name]);
      } else if (st.kind === 'index') {
        if (Array.isArray(v)) {
          const x = v[st.index < 0 ? v.length + st.index : st.index];
          if (x !== undefined) next.push(x);
        }
      } else if (st.kind === 'all') {
        if (Array.isArray(v)) next.push(...v);
        else if (typeof v === 'object' && v !== null) next.push(...Object.values(v));
      } else {
        const items = Array.isArray(v) ? v : [];
        for (const it of items) {
          const got = evalJsonPath(it, st.path);
          if (st.op === undefined ? got.length > 0 : got.some((g) => compare(g, st.op!, st.value))) next.push(it);
        }
      }
    }
    cur = next;
  }
  return cur;
}
