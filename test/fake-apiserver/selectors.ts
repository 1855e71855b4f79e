// Label and field selectors, parsed like k8s.io/apimachinery (labels.Parse, fields.ParseSelector).
// Parse errors carry messages close to the real ones; the router sends them as 400 BadRequest.

export type Op = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
export interface Requirement {
  key: string;
  op: Op;
  values: string[];
}
export type Selector = Requirement[];

export class SelectorError extends Error {}

type Tok = { t: 'id' | 'op' | '(' | ')' | ',' | 'end'; v: string };

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c, v: c });
      i++;
    } else if ('=!<>'.includes(c)) {
      let j = i + 1;
      while (j < s.length && '=!<>'.includes(s[j]!)) j++;
      out.push({ t: 'op', v: s.slice(i, j) });
      i = j;
    } else {
      let j = i;
      while (j < s.length && !/[\s(),=!<>]/.test(s[j]!)) j++;
      out.push({ t: 'id', v: s.slice(i, j) });
      i = j;
    }
  }
  out.push({ t: 'end', v: '' });
  return out;
}

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE_HINT =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_HINT =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

function checkKey(key: string): void {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const bad = (why: string) =>
    new SelectorError(`unable to parse requirement: key: Invalid value: "${key}": ${why}`);
  if (prefix !== undefined && (!DNS1123.test(prefix) || prefix.length > 253)) {
    throw bad('prefix part must be a lowercase RFC 1123 subdomain');
  }
  if (name.length === 0) throw bad('name part must be non-empty');
  if (name.length > 63) throw bad('name part must be no more than 63 characters');
  if (!NAME.test(name)) throw bad(NAME_HINT);
}

function checkValue(key: string, v: string, i: number): void {
  if (v === '') return;
  if (v.length > 63 || !NAME.test(v)) {
    throw new SelectorError(
      `unable to parse requirement: values[${i}][${key}]: Invalid value: "${v}": ${VALUE_HINT}`,
    );
  }
}

/** Parses a label selector ("" selects everything). */
export function parseLabelSelector(s: string): Selector {
  const toks = lex(s);
  let p = 0;
  const peek = () => toks[p]!;
  const next = () => toks[p++]!;
  const reqs: Requirement[] = [];
  if (peek().t === 'end') return reqs;
  for (;;) {
    let tok = next();
    let negate = false;
    if (tok.t === 'op' && tok.v === '!') {
      negate = true;
      tok = next();
    }
    if (tok.t !== 'id') {
      throw new SelectorError(
        `found '${tok.v}', expected: ${negate ? "identifier after '!'" : "!, identifier, or 'end of string'"}`,
      );
    }
    const key = tok.v;
    checkKey(key);
    const after = peek();
    if (negate || after.t === ',' || after.t === 'end') {
      if (negate && after.t !== ',' && after.t !== 'end') {
        throw new SelectorError(`found '${after.v}', expected: ',' or 'end of string'`);
      }
      reqs.push({ key, op: negate ? '!' : 'exists', values: [] });
    } else {
      const opTok = next();
      const op = opTok.t === 'op' ? opTok.v : opTok.v.toLowerCase();
      if (op === 'in' || op === 'notin') {
        if (next().t !== '(') throw new SelectorError(`found '${toks[p - 1]!.v}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          const v = peek();
          if (v.t === 'id') {
            values.push(next().v);
          } else if (v.t === ',' || v.t === ')') {
            values.push('');
          } else {
            throw new SelectorError(`found '${v.v}', expected: ',', ')' or identifier`);
          }
          const sep = next();
          if (sep.t === ')') break;
          if (sep.t !== ',') throw new SelectorError(`found '${sep.v}', expected: ',' or ')'`);
        }
        if (values.length === 1 && values[0] === '') {
          throw new SelectorError(
            `unable to parse requirement: values: Required value: for 'in', 'notin' operators, values set can't be empty`,
          );
        }
        for (const [i, v] of values.entries()) checkValue(key, v, i);
        reqs.push({ key, op, values });
      } else if (op === '=' || op === '==' || op === '!=') {
        const v = peek();
        const value = v.t === 'id' ? next().v : '';
        if (v.t !== 'id' && v.t !== ',' && v.t !== 'end') {
          throw new SelectorError(`found '${v.v}', expected: identifier`);
        }
        checkValue(key, value, 0);
        reqs.push({ key, op: op === '!=' ? '!=' : '=', values: [value] });
      } else if (op === '>' || op === '<') {
        const v = next();
        if (v.t !== 'id' || !/^-?\d+$/.test(v.v)) {
          throw new SelectorError(
            `unable to parse requirement: values[0]: Invalid value: "${v.v}": for 'Gt', 'Lt' operators, the value must be an integer`,
          );
        }
        reqs.push({ key, op: op === '>' ? 'gt' : 'lt', values: [v.v] });
      } else {
        throw new SelectorError(`found '${opTok.v}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    const sep = next();
    if (sep.t === 'end') break;
    if (sep.t !== ',') throw new SelectorError(`found '${sep.v}', expected: ',' or 'end of string'`);
  }
  return reqs;
}

/** Whether a label set satisfies every requirement. */
export function matchLabels(sel: Selector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return sel.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
      case 'in':
        return has && r.values.includes(v!);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(v!);
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        return r.op === 'gt' ? Number(v) > Number(r.values[0]) : Number(v) < Number(r.values[0]);
      }
    }
    return false;
  });
}

// --- fields ----------------------------------------------------------------------------------------

export interface FieldTerm {
  field: string;
  op: '=' | '!=';
  value: string;
}

function splitUnescaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === sep) {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

const unescapeValue = (s: string): string => s.replace(/\\(.)/g, '$1');

/** Parses a field selector and checks the fields against the ones the resource supports. */
export function parseFieldSelector(s: string, supported: readonly string[]): FieldTerm[] {
  if (s.trim() === '') return [];
  return splitUnescaped(s, ',').map((part) => {
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(part);
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${part}'`);
    const field = m[1]!.trim();
    if (!supported.includes(field)) throw new SelectorError(`field label not supported: ${field}`);
    return { field, op: m[2] === '!=' ? '!=' : '=', value: unescapeValue(m[3]!) };
  });
}

export function matchFields(terms: FieldTerm[], fields: Record<string, string>): boolean {
  return terms.every((t) => ((fields[t.field] ?? '') === t.value) === (t.op === '='));
}
