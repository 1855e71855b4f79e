// The executor of Go's text/template (text/template/exec.go): a walk over the pre-parsed tree. Errors
// carry Go's message: `template: NAME:LINE:COL: executing "NAME" at <NODE>: MSG`.

import { formatValue } from './fmt.ts';
import { GoTime } from './gotime.ts';
import {
  type ActionNode,
  type ArgNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  location,
  type Node,
  nodeString,
  type PipeNode,
  type RangeNode,
  type TemplateNode,
  type VariableNode,
} from './parser.ts';
import {
  GoColor,
  isPlainMap,
  isTrue,
  JsonNumber,
  LogStruct,
  NO_FIELD,
  sortedKeys,
  structField,
  TypedMap,
  typeName,
} from './values.ts';

export class ExecError extends Error {
  override name = 'ExecError';
}

/** Parameter types of template functions, as far as argument checking needs them. */
export type PType = 'any' | 'value' | 'string' | 'int' | 'color';

export interface FuncDef {
  params: PType[];
  variadic: PType | null;
  /** Returns the result; a thrown Error becomes `error calling NAME: <message>`. */
  call(args: unknown[]): unknown;
  /** and/or evaluate their arguments lazily. */
  special?: 'and' | 'or';
}

/** The absent "final" argument: no previous pipeline value. */
const MISSING: unique symbol = Symbol('missing');
type Final = unknown;

enum Sig {
  None = 0,
  Break = 1,
  Continue = 2,
}

const MAX_DEPTH = 1000;

function typeLabel(t: PType): string {
  switch (t) {
    case 'string':
      return 'string';
    case 'int':
      return 'int';
    case 'color':
      return 'color.Color';
    default:
      return 'interface {}';
  }
}

export class Exec {
  out = '';
  private names: string[] = [];
  private vals: unknown[] = [];
  private node: Node | null = null;
  private tmpl: string;
  private depth = 0;

  constructor(
    private readonly src: string,
    /** The top-level template's name: Go's ParseName, used in error locations. */
    private readonly name: string,
    private readonly trees: Map<string, ListNode>,
    private readonly funcs: Map<string, FuncDef>,
    private readonly methods: (recv: unknown, name: string) => FuncDef | undefined,
  ) {
    this.tmpl = name;
  }

  run(root: ListNode, dot: unknown): string {
    this.out = '';
    this.names = ['$'];
    this.vals = [dot];
    this.walk(dot, root);
    return this.out;
  }

  errorf(msg: string): never {
    const n = this.node;
    if (n === null) throw new ExecError(`template: ${this.tmpl}: ${msg}`);
    throw new ExecError(
      `template: ${this.name}:${location(this.src, n.pos)}: executing "${this.tmpl}" at <${nodeString(n)}>: ${msg}`,
    );
  }

  // ---- variables ----

  private pop(mark: number): void {
    this.names.length = mark;
    this.vals.length = mark;
  }

  private setVar(name: string, v: unknown): void {
    for (let i = this.names.length - 1; i >= 0; i--) {
      if (this.names[i] === name) {
        this.vals[i] = v;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`);
  }

  private varValue(name: string): unknown {
    for (let i = this.names.length - 1; i >= 0; i--) if (this.names[i] === name) return this.vals[i];
    return this.errorf(`undefined variable: ${name}`);
  }

  // ---- walk ----

  private walk(dot: unknown, node: Node): Sig {
    this.node = node;
    switch (node.k) {
      case 'list': {
        const nodes = node.nodes;
        for (let i = 0; i < nodes.length; i++) {
          const s = this.walk(dot, nodes[i]!);
          if (s !== Sig.None) return s;
        }
        return Sig.None;
      }
      case 'text':
        this.out += node.text;
        return Sig.None;
      case 'action': {
        const v = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, v);
        return Sig.None;
      }
      case 'if':
      case 'with': {
        const mark = this.names.length;
        const v = this.evalPipeline(dot, node.pipe);
        let s = Sig.None;
        if (isTrue(v)) s = this.walk(node.k === 'with' ? v : dot, node.list);
        else if (node.elseList) s = this.walk(dot, node.elseList);
        this.pop(mark);
        return s;
      }
      case 'range':
        this.walkRange(dot, node);
        return Sig.None;
      case 'template':
        this.walkTemplate(dot, node);
        return Sig.None;
      case 'break':
        return Sig.Break;
      case 'continue':
        return Sig.Continue;
    }
    return this.errorf(`unknown node: ${nodeString(node)}`);
  }

  private walkRange(dot: unknown, r: RangeNode): void {
    this.node = r;
    const outer = this.names.length;
    let val = this.evalPipeline(dot, r.pipe);
    if (val === null) val = undefined;
    const mark = this.names.length;
    const decl = r.pipe.decl;
    const one = (index: unknown, elem: unknown): Sig => {
      if (decl.length > 0) {
        if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
        else this.vals[this.vals.length - 1] = elem;
      }
      if (decl.length > 1) {
        if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
        else this.vals[this.vals.length - 2] = index;
      }
      const s = this.walk(elem, r.list);
      this.pop(mark);
      return s;
    };
    let ran = false;
    if (Array.isArray(val)) {
      for (let i = 0; i < val.length; i++) {
        ran = true;
        if (one(BigInt(i), val[i]) === Sig.Break) break;
      }
    } else if (isPlainMap(val) || (val instanceof TypedMap && val.m !== null)) {
      const m = (val instanceof TypedMap ? val.m : val) as Readonly<Record<string, unknown>>;
      for (const k of sortedKeys(m)) {
        ran = true;
        if (one(k, m[k]) === Sig.Break) break;
      }
    } else if (typeof val === 'bigint') {
      if (decl.length > 1) this.errorf(`can't use ${val} to iterate over more than one variable`);
      for (let i = 0n; i < val; i++) {
        ran = true;
        if (one(i, i) === Sig.Break) break;
      }
    } else if (val !== undefined && !(val instanceof TypedMap)) {
      this.errorf(`range can't iterate over ${formatValue(val)}`);
    }
    if (!ran && r.elseList) this.walk(dot, r.elseList);
    this.pop(outer);
  }

  private walkTemplate(dot: unknown, t: TemplateNode): void {
    this.node = t;
    const tree = this.trees.get(t.name);
    if (!tree) this.errorf(`template "${t.name}" not defined`);
    if (this.depth >= MAX_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_DEPTH})`);
    const newDot = t.pipe ? this.evalPipeline(dot, t.pipe) : undefined;
    const saved = { names: this.names, vals: this.vals, tmpl: this.tmpl };
    this.names = ['$'];
    this.vals = [newDot];
    this.tmpl = t.name;
    this.depth++;
    try {
      this.walk(newDot, tree);
    } finally {
      this.depth--;
      this.names = saved.names;
      this.vals = saved.vals;
      this.tmpl = saved.tmpl;
    }
  }

  private printValue(n: ActionNode, v: unknown): void {
    this.node = n;
    if (typeof v === 'string') this.out += v;
    else if (v === undefined) this.out += '<no value>';
    else this.out += formatValue(v);
  }

  // ---- evaluation ----

  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.node = pipe;
    let value: unknown = MISSING;
    const cmds = pipe.cmds;
    for (let i = 0; i < cmds.length; i++) {
      value = this.evalCommand(dot, cmds[i]!, value);
      if (value === null) value = undefined; // dig into a nil interface{}
    }
    const decl = pipe.decl;
    for (let i = 0; i < decl.length; i++) {
      const name = decl[i]!.ident[0]!;
      if (pipe.isAssign) this.setVar(name, value);
      else {
        this.names.push(name);
        this.vals.push(value);
      }
    }
    return value;
  }

  private notAFunction(args: ArgNode[] | null, final: Final): void {
    if ((args !== null && args.length > 1) || final !== MISSING) {
      this.errorf(`can't give argument to non-function ${nodeString(args![0]!)}`);
    }
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0]!;
    switch (first.k) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.node = first;
    this.notAFunction(cmd.args, final);
    switch (first.k) {
      case 'bool':
        return first.val;
      case 'dot':
        return dot;
      case 'nil':
        return this.errorf('nil is not a command');
      case 'number':
        return first.ideal;
      case 'string':
        return first.text;
    }
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: ArgNode[] | null, final: Final): unknown {
    this.node = field;
    return this.evalFieldChain(dot, dot, field, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: ArgNode[] | null, final: Final): unknown {
    this.node = chain;
    if (chain.node.k === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`);
    const pipe = this.evalArg(dot, 'value', chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final);
  }

  private evalVariableNode(dot: unknown, v: VariableNode, args: ArgNode[] | null, final: Final): unknown {
    this.node = v;
    const value = this.varValue(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(
    dot: unknown,
    receiver: unknown,
    node: Node,
    ident: string[],
    args: ArgNode[] | null,
    final: Final,
  ): unknown {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) receiver = this.evalField(dot, ident[i]!, node, null, MISSING, receiver);
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver);
  }

  private evalField(
    dot: unknown,
    name: string,
    node: Node,
    args: ArgNode[] | null,
    final: Final,
    receiver: unknown,
  ): unknown {
    if (receiver === undefined) return undefined;
    if (receiver === null) return this.errorf(`nil pointer evaluating interface {}.${name}`);
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (receiver instanceof LogStruct) {
      const f = structField(receiver, name);
      if (f !== NO_FIELD) {
        if (hasArgs) this.errorf(`${name} has arguments but cannot be invoked as function`);
        return f;
      }
    } else if (isPlainMap(receiver)) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      return Object.hasOwn(receiver, name) ? receiver[name] : undefined;
    } else if (receiver instanceof TypedMap) {
      if (hasArgs) this.errorf(`${name} is not a method but has arguments`);
      const m = receiver.m;
      return m !== null && Object.hasOwn(m, name) ? m[name] : undefined;
    } else if (receiver instanceof GoTime || receiver instanceof JsonNumber) {
      const method = this.methods(receiver, name);
      if (method) return this.evalCall(dot, method, node, name, args, final);
    }
    return this.errorf(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  private evalFunction(
    dot: unknown,
    id: IdentifierNode,
    cmd: Node,
    args: ArgNode[] | null,
    final: Final,
  ): unknown {
    this.node = id;
    const fn = this.funcs.get(id.name);
    if (!fn) return this.errorf(`"${id.name}" is not a defined function`);
    return this.evalCall(dot, fn, cmd, id.name, args, final);
  }

  private evalCall(
    dot: unknown,
    fn: FuncDef,
    node: Node,
    name: string,
    args: ArgNode[] | null,
    final: Final,
  ): unknown {
    const nArgs = args === null ? 0 : args.length - 1; // args[0] is the function itself
    const numIn = nArgs + (final !== MISSING ? 1 : 0);
    let numFixed = nArgs;
    if (fn.variadic !== null) {
      numFixed = fn.params.length;
      if (numIn < numFixed) {
        this.errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${nArgs}`);
      }
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`);
    }
    if (fn.special !== undefined) {
      const wantTrue = fn.special === 'or';
      let v: unknown;
      for (let i = 1; i <= nArgs; i++) {
        v = this.evalArg(dot, 'value', args![i]!);
        if (isTrue(v) === wantTrue) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const argv: unknown[] = new Array(numIn);
    let i = 0;
    for (; i < numFixed && i < nArgs; i++) argv[i] = this.evalArg(dot, fn.params[i]!, args![i + 1]!);
    if (fn.variadic !== null) for (; i < nArgs; i++) argv[i] = this.evalArg(dot, fn.variadic, args![i + 1]!);
    if (final !== MISSING) {
      let t: PType;
      if (fn.variadic !== null) t = numIn - 1 < numFixed ? fn.params[numIn - 1]! : fn.variadic;
      else t = fn.params[fn.params.length - 1]!;
      argv[i] = this.validateType(final, t);
    }
    try {
      return fn.call(argv);
    } catch (e) {
      if (e instanceof ExecError) throw e;
      this.node = node;
      return this.errorf(`error calling ${name}: ${errorMessage(e)}`);
    }
  }

  private validateType(value: unknown, t: PType): unknown {
    if (value === undefined) {
      if (t === 'any') return null;
      if (t === 'value') return undefined;
      return this.errorf(`invalid value; expected ${typeLabel(t)}`);
    }
    switch (t) {
      case 'any':
      case 'value':
        return value;
      case 'string':
        if (typeof value === 'string') return value;
        break;
      case 'int':
        if (typeof value === 'bigint') return value;
        break;
      case 'color':
        if (value instanceof GoColor) return value;
        if (isPlainMap(value) && typeof value['params'] === 'string') return new GoColor(value['params']);
        break;
    }
    return this.errorf(`wrong type for value; expected ${typeLabel(t)}; got ${typeName(value)}`);
  }

  private evalArg(dot: unknown, t: PType, n: ArgNode): unknown {
    this.node = n;
    switch (n.k) {
      case 'dot':
        return this.validateType(dot, t);
      case 'nil':
        if (t === 'any') return null;
        if (t === 'value') return undefined;
        return this.errorf(`cannot assign nil to ${typeLabel(t)}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, null, MISSING), t);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), t);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), t);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), t);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), t);
    }
    switch (t) {
      case 'string':
        if (n.k === 'string') return n.text;
        return this.errorf(`expected string; found ${nodeString(n)}`);
      case 'int':
        if (n.k === 'number' && n.isInt) return n.int;
        return this.errorf(`expected integer; found ${nodeString(n)}`);
      case 'color':
        return this.errorf(`can't handle ${nodeString(n)} for arg of type color.Color`);
    }
    switch (n.k) {
      case 'bool':
        return n.val;
      case 'number':
        return n.ideal;
      case 'string':
        return n.text;
    }
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
