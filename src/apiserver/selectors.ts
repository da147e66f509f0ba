/**
 * Label and field selectors in their query-string form, parsed as k8s.io/apimachinery/pkg/labels
 * and pkg/fields do. Parse errors become 400 BadRequest with upstream's wording.
 */
import { errors } from '../api/errors.js';

export type LabelOp = 'in' | 'notin' | 'exists' | '!' | '=' | '!=' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

const keyChars = /^[A-Za-z0-9./_-]+$/;

/** Parses "a=b,c!=d,e in (x,y),!f,g,h notin (z)". An empty string selects everything. */
export function parseLabelSelector(s: string): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw errors.badRequest(`unable to parse requirement: ${why}`);
  };
  const skipWs = () => {
    while (i < s.length && s[i] === ' ') i++;
  };
  const readKey = (): string => {
    skipWs();
    const start = i;
    while (i < s.length && /[A-Za-z0-9./_-]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  const readValue = (): string => {
    skipWs();
    const start = i;
    while (i < s.length && /[A-Za-z0-9._-]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  while (true) {
    skipWs();
    if (i >= s.length) break;
    let negate = false;
    if (s[i] === '!') {
      negate = true;
      i++;
    }
    const key = readKey();
    if (!key || !keyChars.test(key)) fail(`invalid label key "${key}"`);
    skipWs();
    if (negate) {
      reqs.push({ key, op: '!', values: [] });
    } else if (i >= s.length || s[i] === ',') {
      reqs.push({ key, op: 'exists', values: [] });
    } else if (s.startsWith('!=', i)) {
      i += 2;
      reqs.push({ key, op: '!=', values: [readValue()] });
    } else if (s.startsWith('==', i)) {
      i += 2;
      reqs.push({ key, op: '=', values: [readValue()] });
    } else if (s[i] === '=') {
      i += 1;
      reqs.push({ key, op: '=', values: [readValue()] });
    } else if (s[i] === '>' || s[i] === '<') {
      const op = s[i] === '>' ? 'gt' : 'lt';
      i += 1;
      const v = readValue();
      if (!/^-?\d+$/.test(v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
      reqs.push({ key, op, values: [v] });
    } else {
      const word = readKey();
      if (word !== 'in' && word !== 'notin') fail(`found '${s.slice(i)}', expected: '=', '!=', '==', 'in', notin'`);
      skipWs();
      if (s[i] !== '(') fail(`found '${s.slice(i)}', expected: '('`);
      i++;
      const values: string[] = [];
      while (true) {
        values.push(readValue());
        skipWs();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ')') {
          i++;
          break;
        }
        fail(`found '${s.slice(i)}', expected: ',', ')'`);
      }
      reqs.push({ key, op: word as LabelOp, values: values.filter((v) => v !== '') });
    }
    skipWs();
    if (i < s.length) {
      if (s[i] !== ',') fail(`found '${s[i]}', expected: ',' or 'end of string'`);
      i++;
    }
  }
  return reqs;
}

/** Whether labels satisfy every requirement. */
export function matchLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
        return has && v === r.values[0];
      case '!=':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v!);
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'gt':
        return has && /^-?\d+$/.test(v!) && Number(v) > Number(r.values[0]);
      case 'lt':
        return has && /^-?\d+$/.test(v!) && Number(v) < Number(r.values[0]);
    }
  });
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Parses "metadata.name=x,status.phase!=Running" (with \, \= \\ escapes as upstream). */
export function parseFieldSelector(s: string): FieldRequirement[] {
  if (!s.trim()) return [];
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1]!;
      i++;
    } else if (c === ',') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts.map((p) => {
    const m = /^([^=!]+)(==|!=|=)(.*)$/.exec(p.trim());
    if (!m) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${p}'`);
    const value = m[3]!.replace(/\\(.)/g, '$1');
    return { field: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', value };
  });
}
