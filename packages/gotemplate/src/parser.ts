// The parser of Go's text/template (text/template/parse/parse.go and node.go): items → node tree.
// Node positions are source indices, reported as line:column (column = UTF-8 byte offset in the line).

import { type Item, lex, T } from './lexer.ts';

export type Node =
  | ListNode
  | TextNode
  | ActionNode
  | IfNode
  | RangeNode
  | WithNode
  | TemplateNode
  | BreakNode
  | ContinueNode
  | PipeNode
  | CommandNode
  | ArgNode;

export interface ListNode {
  k: 'list';
  pos: number;
  nodes: Node[];
}
export interface TextNode {
  k: 'text';
  pos: number;
  text: string;
}
export interface ActionNode {
  k: 'action';
  pos: number;
  pipe: PipeNode;
}
export interface BranchNode {
  pos: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface IfNode extends BranchNode {
  k: 'if';
}
export interface RangeNode extends BranchNode {
  k: 'range';
}
export interface WithNode extends BranchNode {
  k: 'with';
}
export interface TemplateNode {
  k: 'template';
  pos: number;
  name: string;
  pipe: PipeNode | null;
}
export interface BreakNode {
  k: 'break';
  pos: number;
}
export interface ContinueNode {
  k: 'continue';
  pos: number;
}
export interface PipeNode {
  k: 'pipe';
  pos: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode {
  k: 'command';
  pos: number;
  args: ArgNode[];
}
export interface FieldNode {
  k: 'field';
  pos: number;
  ident: string[];
}
export interface VariableNode {
  k: 'variable';
  pos: number;
  ident: string[];
}
export interface ChainNode {
  k: 'chain';
  pos: number;
  node: ArgNode;
  field: string[];
}
export interface IdentifierNode {
  k: 'identifier';
  pos: number;
  name: string;
}
export interface DotNode {
  k: 'dot';
  pos: number;
}
export interface NilNode {
  k: 'nil';
  pos: number;
}
export interface BoolNode {
  k: 'bool';
  pos: number;
  val: boolean;
}
export interface NumberNode {
  k: 'number';
  pos: number;
  text: string;
  isInt: boolean;
  int: bigint;
  isFloat: boolean;
  float: number;
  /** What the constant is in an interface{} context (Go's idealConstant). */
  ideal: bigint | number;
}
export interface StringNode {
  k: 'string';
  pos: number;
  quoted: string;
  text: string;
}
export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

interface EndNode {
  k: 'end';
  pos: number;
}
interface ElseNode {
  k: 'else';
  pos: number;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** line:col of a source index; col is the byte offset within the line, as Go's ErrorContext counts it. */
export function location(src: string, pos: number): string {
  const before = src.slice(0, pos);
  const nl = before.lastIndexOf('\n');
  const line = 1 + countChar(before, '\n');
  const col = Buffer.byteLength(nl < 0 ? before : before.slice(nl + 1), 'utf8');
  return `${line}:${col}`;
}

function countChar(s: string, c: string): number {
  let n = 0;
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) n++;
  return n;
}

// ---- node strings (node.go String methods), used in error messages ----

export function nodeString(n: Node | EndNode | ElseNode): string {
  switch (n.k) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return n.text;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'range':
    case 'with':
      return `{{${n.k} ${nodeString(n.pipe)}}}${nodeString(n.list)}${
        n.elseList ? `{{else}}${nodeString(n.elseList)}` : ''
      }{{end}}`;
    case 'template':
      return `{{template ${JSON.stringify(n.name)}${n.pipe ? ' ' + nodeString(n.pipe) : ''}}}`;
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) {
        s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      }
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.k === 'pipe' ? `(${nodeString(a)})` : nodeString(a))).join(' ');
    case 'field':
      return n.ident.map((f) => '.' + f).join('');
    case 'variable':
      return n.ident.join('.');
    case 'chain':
      return (
        (n.node.k === 'pipe' ? `(${nodeString(n.node)})` : nodeString(n.node)) +
        n.field.map((f) => '.' + f).join('')
      );
    case 'identifier':
      return n.name;
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'bool':
      return n.val ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
  }
}

// ---- literals ----

const SIMPLE_ESC: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/** strconv.Unquote for "…" (Go escapes), `…` and '…' (one rune). Throws 'invalid syntax'. */
export function unquote(q: string): string {
  const quote = q[0];
  if (q.length < 2 || q[q.length - 1] !== quote) throw new Error('invalid syntax');
  const body = q.slice(1, -1);
  if (quote === '`') {
    if (body.includes('`')) throw new Error('invalid syntax');
    return body.replaceAll('\r', '');
  }
  if (quote !== '"' && quote !== "'") throw new Error('invalid syntax');
  let out = '';
  const bytes: number[] = [];
  const flush = () => {
    if (bytes.length) {
      out += Buffer.from(bytes).toString('utf8');
      bytes.length = 0;
    }
  };
  for (let i = 0; i < body.length; ) {
    const c = body[i]!;
    if (c === quote && quote === '"') throw new Error('invalid syntax');
    if (c === '\n') throw new Error('invalid syntax');
    if (c !== '\\') {
      flush();
      const cp = body.codePointAt(i)!;
      out += String.fromCodePoint(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new Error('invalid syntax');
    if (e in SIMPLE_ESC) {
      if ((e === "'" && quote === '"') || (e === '"' && quote === "'")) throw new Error('invalid syntax');
      flush();
      out += SIMPLE_ESC[e];
      i += 2;
      continue;
    }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const h = body.slice(i + 2, i + 2 + hexLen);
      if (h.length !== hexLen || !/^[0-9a-fA-F]+$/.test(h)) throw new Error('invalid syntax');
      const v = Number.parseInt(h, 16);
      if (e === 'x') bytes.push(v);
      else {
        if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new Error('invalid syntax');
        flush();
        out += String.fromCodePoint(v);
      }
      i += 2 + hexLen;
      continue;
    }
    if (e >= '0' && e <= '7') {
      const o = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(o)) throw new Error('invalid syntax');
      const v = Number.parseInt(o, 8);
      if (v > 255) throw new Error('invalid syntax');
      bytes.push(v);
      i += 4;
      continue;
    }
    throw new Error('invalid syntax');
  }
  flush();
  if (quote === "'" && [...out].length !== 1) throw new Error('invalid syntax');
  return out;
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** strconv.ParseInt(text, 0, 64): prefixes 0x 0o 0b and legacy 0 octal, underscores after a prefix. */
function parseGoInt(text: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(text);
  if (!m) return null;
  let body = m[2]!;
  if (body.includes('_')) {
    // Underscores only between digits, or right after a base prefix.
    if (!/^(0[xXoObB]_?|0_?)?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/.test(body)) return null;
    body = body.replaceAll('_', '');
  }
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt('0o' + body.slice(2));
  else if (/^0[0-7]+$/.test(body)) v = BigInt('0o' + body.slice(1));
  else v = BigInt(body);
  if (m[1] === '-') v = -v;
  if (v > INT64_MAX || v < INT64_MIN) return null;
  return v;
}

function parseGoFloat(text: string): number | null {
  const t = text.replaceAll('_', '');
  if (/^[+-]?0[xX]/.test(t)) {
    const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(t);
    if (!m) return null;
    const mant = Number.parseInt((m[2] || '0') + (m[3] ?? ''), 16) / 16 ** (m[3]?.length ?? 0);
    const v = mant * 2 ** Number(m[4]);
    return m[1] === '-' ? -v : v;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

function newNumber(pos: number, text: string, typ: T): NumberNode {
  const n: NumberNode = {
    k: 'number',
    pos,
    text,
    isInt: false,
    int: 0n,
    isFloat: false,
    float: 0,
    ideal: 0n,
  };
  if (typ === T.CharConstant) {
    const r = unquote(text);
    const cp = BigInt(r.codePointAt(0)!);
    n.isInt = true;
    n.int = cp;
    n.isFloat = true;
    n.float = Number(cp);
    n.ideal = cp;
    return n;
  }
  if (typ === T.Complex || text.endsWith('i'))
    throw new Error(`complex constants are not supported: ${JSON.stringify(text)}`);
  const i = parseGoInt(text);
  if (i !== null) {
    n.isInt = true;
    n.int = i;
    n.isFloat = true;
    n.float = Number(i);
  } else {
    const f = parseGoFloat(text);
    if (f !== null) {
      if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${JSON.stringify(text)}`);
      n.isFloat = true;
      n.float = f;
      if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) {
        n.isInt = true;
        n.int = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isFloat) throw new Error(`illegal number syntax: ${JSON.stringify(text)}`);
  const hexInt = /^[+-]?0[xX]/.test(text) && !/[pP]/.test(text);
  n.ideal = n.isFloat && !hexInt && /[.eEpP]/.test(text) ? n.float : n.int;
  return n;
}

// ---- parser ----

export interface Parsed {
  /** Named templates: the main one under the template's name, plus {{define}}/{{block}} ones. */
  trees: Map<string, ListNode>;
}

/** `%q` of an item, as Go's item.String: keywords as <kw>, long values truncated to 10 runes. */
function itemString(it: Item): string {
  if (it.t === T.EOF) return 'EOF';
  if (it.t === T.Error) return it.val;
  if (it.t > T.Keyword) return `<${it.val}>`;
  const runes = [...it.val];
  if (runes.length > 10) return `${JSON.stringify(runes.slice(0, 10).join(''))}...`;
  return JSON.stringify(it.val);
}

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;

  constructor(
    private readonly src: string,
    private readonly name: string,
    private readonly items: Item[],
    private readonly hasFunction: (name: string) => boolean,
    readonly trees: Map<string, ListNode>,
  ) {}

  errorAt(pos: number, msg: string): never {
    throw new TemplateError(`template: ${this.name}:${location(this.src, pos)}: ${msg}`);
  }

  next(): Item {
    return this.items[Math.min(this.i++, this.items.length - 1)]!;
  }
  backup(): void {
    this.i--;
  }
  peek(): Item {
    return this.items[Math.min(this.i, this.items.length - 1)]!;
  }
  nextNonSpace(): Item {
    let t = this.next();
    while (t.t === T.Space) t = this.next();
    return t;
  }
  peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }
  expect(t: T, context: string): Item {
    const tok = this.nextNonSpace();
    if (tok.t !== t) this.unexpected(tok, context);
    return tok;
  }
  unexpected(tok: Item, context: string): never {
    if (tok.t === T.Error) this.errorAt(tok.pos, tok.val);
    this.errorAt(tok.pos, `unexpected ${itemString(tok)} in ${context}`);
  }

  parse(): ListNode {
    const root: ListNode = { k: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().t !== T.EOF) {
      if (this.peek().t === T.LeftDelim) {
        const save = this.i;
        this.next();
        if (this.nextNonSpace().t === T.Define) {
          this.parseDefinition();
          continue;
        }
        this.i = save;
      }
      const n = this.textOrAction();
      if (n.k === 'end' || n.k === 'else') this.errorAt(n.pos, `unexpected ${nodeString(n)}`);
      root.nodes.push(n);
    }
    return root;
  }

  parseDefinition(): void {
    const context = 'define clause';
    const tok = this.nextNonSpace();
    if (tok.t !== T.String && tok.t !== T.RawString) this.unexpected(tok, context);
    const name = this.unquoteAt(tok);
    this.expect(T.RightDelim, context);
    const saved = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    this.vars = saved;
    if (end.k !== 'end') this.errorAt(end.pos, `unexpected ${nodeString(end)} in ${context}`);
    this.addTree(name, list);
  }

  addTree(name: string, list: ListNode): void {
    // Go: a later empty definition does not replace a non-empty one.
    const old = this.trees.get(name);
    if (old && list.nodes.every((n) => n.k === 'text' && n.text.trim() === '')) return;
    this.trees.set(name, list);
  }

  unquoteAt(tok: Item): string {
    try {
      return unquote(tok.val);
    } catch (e) {
      return this.errorAt(tok.pos, (e as Error).message);
    }
  }

  itemList(): [ListNode, EndNode | ElseNode] {
    const list: ListNode = { k: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().t !== T.EOF) {
      const n = this.textOrAction();
      if (n.k === 'end' || n.k === 'else') return [list, n];
      list.nodes.push(n);
    }
    const eof = this.peekNonSpace();
    if (eof.t === T.Error) this.errorAt(eof.pos, eof.val);
    return this.errorAt(eof.pos, 'unexpected EOF');
  }

  textOrAction(): Node | EndNode | ElseNode {
    const tok = this.nextNonSpace();
    switch (tok.t) {
      case T.Text:
        return { k: 'text', pos: tok.pos, text: tok.val };
      case T.LeftDelim:
        return this.action();
    }
    return this.unexpected(tok, 'input');
  }

  action(): Node | EndNode | ElseNode {
    const tok = this.nextNonSpace();
    switch (tok.t) {
      case T.Block:
        return this.blockControl();
      case T.Break:
      case T.Continue: {
        const word = tok.t === T.Break ? 'break' : 'continue';
        const end = this.nextNonSpace();
        if (end.t !== T.RightDelim) this.unexpected(end, `{{${word}}}`);
        if (this.rangeDepth === 0) this.errorAt(tok.pos, `{{${word}}} outside {{range}}`);
        return { k: word, pos: tok.pos };
      }
      case T.Else: {
        const peek = this.peekNonSpace();
        if (peek.t === T.If || peek.t === T.With) return { k: 'else', pos: peek.pos };
        return { k: 'else', pos: this.expect(T.RightDelim, 'else').pos };
      }
      case T.End:
        return { k: 'end', pos: this.expect(T.RightDelim, 'end').pos };
      case T.If:
        return this.control('if');
      case T.Range:
        return this.control('range');
      case T.With:
        return this.control('with');
      case T.Template:
        return this.templateControl();
    }
    this.backup();
    const pos = this.peek().pos;
    return { k: 'action', pos, pipe: this.pipeline('command', T.RightDelim) };
  }

  control(context: 'if' | 'range' | 'with'): IfNode | RangeNode | WithNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, T.RightDelim);
    if (context === 'range') this.rangeDepth++;
    let [list, next] = this.itemList();
    if (context === 'range') this.rangeDepth--;
    let elseList: ListNode | null = null;
    if (next.k === 'else') {
      const peek = this.peek();
      if ((context === 'if' && peek.t === T.If) || (context === 'with' && peek.t === T.With)) {
        this.next();
        elseList = { k: 'list', pos: next.pos, nodes: [this.control(context)] };
      } else {
        [elseList, next] = this.itemList();
        if (next.k !== 'end') this.errorAt(next.pos, `expected end; found ${nodeString(next)}`);
      }
    }
    this.vars.length = mark;
    return { k: context, pos: pipe.pos, pipe, list, elseList } as IfNode | RangeNode | WithNode;
  }

  blockControl(): TemplateNode {
    const context = 'block clause';
    const tok = this.nextNonSpace();
    if (tok.t !== T.String && tok.t !== T.RawString) this.unexpected(tok, context);
    const name = this.unquoteAt(tok);
    const pipe = this.pipeline(context, T.RightDelim);
    const saved = this.vars;
    const savedDepth = this.rangeDepth;
    this.vars = ['$'];
    this.rangeDepth = 0;
    const [list, end] = this.itemList();
    this.vars = saved;
    this.rangeDepth = savedDepth;
    if (end.k !== 'end') this.errorAt(end.pos, `unexpected ${nodeString(end)} in ${context}`);
    this.addTree(name, list);
    return { k: 'template', pos: tok.pos, name, pipe };
  }

  templateControl(): TemplateNode {
    const context = 'template clause';
    const tok = this.nextNonSpace();
    if (tok.t !== T.String && tok.t !== T.RawString) this.unexpected(tok, context);
    const name = this.unquoteAt(tok);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().t !== T.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, T.RightDelim);
    }
    return { k: 'template', pos: tok.pos, name, pipe };
  }

  pipeline(context: string, end: T): PipeNode {
    const first = this.peekNonSpace();
    const pipe: PipeNode = { k: 'pipe', pos: first.pos, isAssign: false, decl: [], cmds: [] };
    for (;;) {
      const v = this.peekNonSpace();
      if (v.t !== T.Variable) break;
      const save = this.i;
      this.nextNonSpace();
      const next = this.peekNonSpace();
      if (next.t === T.Assign || next.t === T.Declare) {
        pipe.isAssign = next.t === T.Assign;
        this.nextNonSpace();
        pipe.decl.push({ k: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        break;
      }
      if (next.t === T.Char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push({ k: 'variable', pos: v.pos, ident: [v.val] });
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const p = this.peekNonSpace().t;
          if (p === T.Variable || p === T.RightDelim || p === T.RightParen) continue;
          this.errorAt(v.pos, 'range can only initialize variables');
        }
        this.errorAt(v.pos, `too many declarations in ${context}`);
      }
      this.i = save;
      break;
    }
    for (;;) {
      const tok = this.nextNonSpace();
      if (tok.t === end) {
        this.checkPipeline(pipe, context, tok.pos);
        return pipe;
      }
      switch (tok.t) {
        case T.Bool:
        case T.CharConstant:
        case T.Complex:
        case T.Dot:
        case T.Field:
        case T.Identifier:
        case T.Number:
        case T.Nil:
        case T.RawString:
        case T.String:
        case T.Variable:
        case T.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(tok, context);
      }
    }
  }

  checkPipeline(pipe: PipeNode, context: string, pos: number): void {
    if (pipe.cmds.length === 0) this.errorAt(pos, `missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      const a = pipe.cmds[i]!.args[0]!;
      if (a.k === 'bool' || a.k === 'dot' || a.k === 'nil' || a.k === 'number' || a.k === 'string') {
        this.errorAt(a.pos, `non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  command(): CommandNode {
    const cmd: CommandNode = { k: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const tok = this.next();
      if (tok.t === T.Space) continue;
      if (tok.t === T.RightDelim || tok.t === T.RightParen) this.backup();
      else if (tok.t !== T.Pipe) this.unexpected(tok, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorAt(cmd.pos, 'empty command');
    return cmd;
  }

  operand(): ArgNode | null {
    let node = this.term();
    if (!node) return null;
    if (this.peek().t === T.Field) {
      const pos = this.peek().pos;
      const fields: string[] = [];
      while (this.peek().t === T.Field) fields.push(this.next().val.slice(1));
      switch (node.k) {
        case 'field':
          node = { k: 'field', pos, ident: [...node.ident, ...fields] };
          break;
        case 'variable':
          node = { k: 'variable', pos, ident: [...node.ident, ...fields] };
          break;
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.errorAt(pos, `unexpected . after term ${JSON.stringify(nodeString(node))}`);
          break;
        default:
          node = { k: 'chain', pos, node, field: fields };
      }
    }
    return node;
  }

  term(): ArgNode | null {
    const tok = this.nextNonSpace();
    switch (tok.t) {
      case T.Identifier:
        if (!this.hasFunction(tok.val)) this.errorAt(tok.pos, `function "${tok.val}" not defined`);
        return { k: 'identifier', pos: tok.pos, name: tok.val };
      case T.Dot:
        return { k: 'dot', pos: tok.pos };
      case T.Nil:
        return { k: 'nil', pos: tok.pos };
      case T.Variable: {
        const ident = tok.val.split('.');
        if (!this.vars.includes(ident[0]!)) this.errorAt(tok.pos, `undefined variable "${ident[0]}"`);
        return { k: 'variable', pos: tok.pos, ident };
      }
      case T.Field:
        return { k: 'field', pos: tok.pos, ident: [tok.val.slice(1)] };
      case T.Bool:
        return { k: 'bool', pos: tok.pos, val: tok.val === 'true' };
      case T.CharConstant:
      case T.Complex:
      case T.Number:
        try {
          return newNumber(tok.pos, tok.val, tok.t);
        } catch (e) {
          return this.errorAt(tok.pos, (e as Error).message);
        }
      case T.LeftParen:
        return this.pipeline('parenthesized pipeline', T.RightParen);
      case T.String:
      case T.RawString:
        return { k: 'string', pos: tok.pos, quoted: tok.val, text: this.unquoteAt(tok) };
    }
    this.backup();
    return null;
  }
}

/** Parses a template; `{{define}}`d and `{{block}}` templates are returned alongside the main one. */
export function parseTemplate(src: string, name: string, hasFunction: (name: string) => boolean): Parsed {
  const items = lex(src);
  const trees = new Map<string, ListNode>();
  const p = new Parser(src, name, items, hasFunction, trees);
  const root = p.parse();
  // The main template is the top-level text; an all-blank top level does not replace a definition.
  if (!trees.has(name) || root.nodes.some((n) => !(n.k === 'text' && n.text.trim() === '')))
    trees.set(name, root);
  return { trees };
}
