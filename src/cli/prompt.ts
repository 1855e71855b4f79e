// --prompt (-p; stern §4.9): pick a value of the label app.kubernetes.io/instance from the pods of the
// target namespaces in a small terminal menu; the answer becomes the label selector of the run.
// Unlike stern (which prints "Selector: …" in blue on stdout), everything here goes to `output`
// (stderr), so stdout carries log lines only.

import { SIGNAL_EXIT } from '../deps.ts';
import type { KubeApi } from '../kube/api.ts';
import { type ColorLevel, painter } from '../output/paint.ts';
import { UserError } from '../util/errors.ts';
import { type Key, Menu, parseKeys } from './prompt-menu.ts';

export const INSTANCE_LABEL = 'app.kubernetes.io/instance';

export interface PromptInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (raw: boolean) => unknown;
}

export interface PromptOptions {
  api: KubeApi;
  /** Target namespaces; undefined = all namespaces (-A). */
  namespaces: (string | undefined)[];
  signal: AbortSignal;
  /** The terminal to read keys from (stdin); undefined counts as "not a terminal". */
  input: PromptInput | undefined;
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** The colour level of stderr (0: no colour). */
  level: ColorLevel;
}

/** Distinct values of the instance label on the pods of `namespaces`, sorted; failing namespaces are skipped. */
export async function instanceValues(
  api: KubeApi,
  namespaces: (string | undefined)[],
  signal: AbortSignal,
): Promise<string[]> {
  const lists = await Promise.allSettled(namespaces.map((namespace) => api.listPods({ namespace }, signal)));
  const values = new Set<string>();
  for (const r of lists) {
    if (r.status !== 'fulfilled') continue;
    for (const p of r.value.items) {
      const v = p.metadata.labels?.[INSTANCE_LABEL];
      if (v !== undefined && v !== '') values.add(v);
    }
  }
  return [...values].sort();
}

const cancelled = (signal?: AbortSignal) =>
  new UserError('prompt cancelled', SIGNAL_EXIT[String(signal?.reason)] ?? 130);

/** Shows the menu on the terminal; resolves with `app.kubernetes.io/instance=<value>`. */
export async function promptForInstance(o: PromptOptions): Promise<string> {
  const input = o.input;
  if (input?.isTTY !== true || o.output.isTTY !== true) {
    throw new UserError('--prompt needs a terminal: stdin and stderr must be a terminal', 2);
  }
  const values = await instanceValues(o.api, o.namespaces, o.signal);
  if (o.signal.aborted) throw cancelled(o.signal);
  if (values.length === 0) throw new UserError('No matching labels', 1);
  const columns = (o.output as { columns?: number }).columns ?? 0;
  const menu = new Menu(`Select "${INSTANCE_LABEL}" label value:`, values, o.level, 7, columns);
  const value = await readChoice(input, o.output, menu, o.signal);
  const selector = `${INSTANCE_LABEL}=${value}`;
  const shown = painter(o.level)('34')(selector);
  o.output.write(`Selector: ${shown}\n`);
  return selector;
}

/** Raw mode on, keys in, menu out; the terminal is restored however it ends. */
function readChoice(
  input: PromptInput,
  output: NodeJS.WritableStream,
  menu: Menu,
  signal: AbortSignal,
): Promise<string> {
  const wasRaw = input.isRaw === true;
  return new Promise<string>((resolve, reject) => {
    let done = false;
    const finish = (err: Error | undefined, value?: string) => {
      if (done) return;
      done = true;
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onError);
      signal.removeEventListener('abort', onAbort);
      output.write(menu.clear() + (value === undefined ? '' : menu.summary(value)) + menu.showCursor());
      if (!wasRaw) input.setRawMode?.(false);
      input.pause();
      if (err) reject(err);
      else resolve(value!);
    };
    const onKey = (k: Key) => {
      if (k === 'cancel') return finish(cancelled());
      if (k === 'enter') {
        const v = menu.current();
        if (v !== undefined) finish(undefined, v);
        return;
      }
      menu.handle(k);
    };
    const onData = (chunk: Buffer | string) => {
      for (const k of parseKeys(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))) {
        onKey(k);
        if (done) return;
      }
      output.write(menu.render());
    };
    const onEnd = () => finish(cancelled());
    const onError = (e: Error) =>
      finish(new UserError(`--prompt: cannot read the terminal: ${e.message}`, 1));
    const onAbort = () => finish(cancelled(signal));
    if (signal.aborted) return onAbort();
    input.setRawMode?.(true);
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
    output.write(menu.hideCursor() + menu.render());
    input.resume();
  });
}
