// --prompt: the instance-label menu on fake TTY streams, key decoding and the menu state.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { instanceValues, promptForInstance } from '../../../src/cli/prompt.ts';
import { Menu, parseKeys } from '../../../src/cli/prompt-menu.ts';
import type { PodList } from '../../../src/core/kube-objects.ts';
import type { KubeApi, PodQuery } from '../../../src/kube/api.ts';
import type { ColorLevel } from '../../../src/output/paint.ts';
import { UserError } from '../../../src/util/errors.ts';
import { until } from '../../support/wait.ts';

const INSTANCE = 'app.kubernetes.io/instance';

function fakeApi(byNs: Record<string, (string | undefined)[]>, failing: string[] = []): KubeApi {
  return {
    server: 'https://fake',
    async listPods(q: PodQuery): Promise<PodList> {
      const ns = q.namespace ?? '';
      if (failing.includes(ns)) throw new Error(`forbidden: ${ns}`);
      const names = q.namespace === undefined ? Object.values(byNs).flat() : (byNs[ns] ?? []);
      return {
        metadata: { resourceVersion: '1' },
        items: names.map((v, i) => ({
          metadata: { name: `p${i}`, namespace: ns, labels: v === undefined ? {} : { [INSTANCE]: v } },
        })) as PodList['items'],
      };
    },
    watchPods: () => (async function* () {})(),
    getJSON: async () => ({}) as never,
    getPod: () => Promise.reject(new Error('unused')),
    streamLog: () => (async function* () {})(),
    close: () => {},
  };
}

interface Tty {
  input: PassThrough & { isTTY: boolean; isRaw: boolean; setRawMode: (b: boolean) => void; modes: boolean[] };
  output: PassThrough & { isTTY: boolean };
  text: () => string;
}

function tty(o: { inTTY?: boolean; outTTY?: boolean } = {}): Tty {
  const modes: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    isTTY: o.inTTY ?? true,
    isRaw: false,
    modes,
    setRawMode(b: boolean) {
      modes.push(b);
      input.isRaw = b;
    },
  });
  const output = Object.assign(new PassThrough(), { isTTY: o.outTTY ?? true });
  let text = '';
  output.on('data', (b: Buffer) => {
    text += b.toString('utf8');
  });
  return { input, output, text: () => text };
}

/** The screen text without control sequences. */
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

async function pick(
  keys: string[],
  o: {
    api?: KubeApi;
    namespaces?: (string | undefined)[];
    t?: Tty;
    signal?: AbortSignal;
    level?: ColorLevel;
  } = {},
): Promise<{ result: Promise<string>; t: Tty }> {
  const t = o.t ?? tty();
  const result = promptForInstance({
    api: o.api ?? fakeApi({ default: ['web', 'api', 'db', undefined, 'api'] }),
    namespaces: o.namespaces ?? ['default'],
    signal: o.signal ?? new AbortController().signal,
    input: t.input,
    output: t.output,
    level: o.level ?? 0,
  });
  result.catch(() => {});
  await until(
    () => t.text().includes('Select "app.kubernetes.io/instance" label value:') || t.input.modes.length > 1,
    'the menu',
  );
  for (const k of keys) t.input.write(k);
  return { result, t };
}

describe('promptForInstance', () => {
  it('shows the sorted distinct values with a ❯ cursor; down + Enter picks the second', async () => {
    const { result, t } = await pick(['\x1b[B', '\r']);
    assert.equal(await result, `${INSTANCE}=db`);
    const screen = plain(t.text());
    assert.ok(screen.includes('❯ api\n  db\n  web\n'), screen);
    assert.ok(screen.includes('❯ db\n'), 'the cursor moved');
    assert.ok(screen.endsWith(`Selector: ${INSTANCE}=db\n`), screen);
    assert.deepEqual(t.input.modes, [true, false], 'raw mode on, then restored');
    assert.ok(t.text().includes('\x1b[?25h'), 'the cursor is shown again');
  });

  it('j/k move, arrows wrap around', async () => {
    assert.equal(await (await pick(['j', 'j', 'k', '\r'])).result, `${INSTANCE}=db`);
    assert.equal(await (await pick(['\x1b[A', '\r'])).result, `${INSTANCE}=web`);
    assert.equal(await (await pick(['\x1bOB\x1bOB\x1bOB\r'])).result, `${INSTANCE}=api`);
  });

  it('typing filters the list (case-insensitively); backspace edits the filter', async () => {
    const { result, t } = await pick(['W', '\r']);
    assert.equal(await result, `${INSTANCE}=web`);
    assert.ok(plain(t.text()).includes('label value: W\n❯ web\n'));
    const b = await pick(['dx', '\x7f', '\r']);
    assert.equal(await b.result, `${INSTANCE}=db`);
    const none = await pick(['zz', '\r', '\x7f\x7f', '\r']);
    assert.equal(await none.result, `${INSTANCE}=api`, 'Enter with no match does nothing');
    assert.ok(plain(none.t.text()).includes('(no match)'));
  });

  it('Ctrl-C cancels with exit code 130 and restores the terminal', async () => {
    const { result, t } = await pick(['\x03']);
    await assert.rejects(
      result,
      (e) => e instanceof UserError && e.message === 'prompt cancelled' && e.exitCode === 130,
    );
    assert.deepEqual(t.input.modes, [true, false]);
  });

  it('the end of input and an aborted signal cancel too', async () => {
    const { result, t } = await pick([]);
    t.input.end();
    await assert.rejects(result, /prompt cancelled/);
    const ac = new AbortController();
    const p = await pick([], { signal: ac.signal });
    ac.abort('SIGTERM');
    await assert.rejects(p.result, (e) => e instanceof UserError && e.exitCode === 143);
    assert.deepEqual(p.t.input.modes, [true, false]);
  });

  it('lists every namespace, ignoring the failing ones; -A lists cluster-wide', async () => {
    const api = fakeApi({ a: ['one'], b: ['two'], c: ['three'] }, ['b']);
    assert.deepEqual(await instanceValues(api, ['a', 'b', 'c'], new AbortController().signal), [
      'one',
      'three',
    ]);
    assert.deepEqual(await instanceValues(api, [undefined], new AbortController().signal), [
      'one',
      'three',
      'two',
    ]);
  });

  it('No matching labels when no pod has the label', async () => {
    const t = tty();
    await assert.rejects(
      promptForInstance({
        api: fakeApi({ default: [undefined] }),
        namespaces: ['default'],
        signal: new AbortController().signal,
        input: t.input,
        output: t.output,
        level: 0,
      }),
      (e) => e instanceof UserError && e.message === 'No matching labels' && e.exitCode === 1,
    );
    assert.deepEqual(t.input.modes, [], 'the terminal was not touched');
  });

  for (const [name, o] of [
    ['stdin', { inTTY: false }],
    ['stderr', { outTTY: false }],
  ] as const) {
    it(`needs a terminal: ${name} not a TTY`, async () => {
      const t = tty(o);
      await assert.rejects(
        promptForInstance({
          api: fakeApi({ default: ['x'] }),
          namespaces: ['default'],
          signal: new AbortController().signal,
          input: t.input,
          output: t.output,
          level: 0,
        }),
        (e) =>
          e instanceof UserError &&
          e.message === '--prompt needs a terminal: stdin and stderr must be a terminal' &&
          e.exitCode === 2,
      );
    });
  }

  it('colours the selector blue with colour on', async () => {
    const { result, t } = await pick(['\r'], { level: 1 });
    await result;
    assert.ok(t.text().includes(`Selector: \x1b[34m${INSTANCE}=api\x1b[39m\n`));
  });
});

describe('parseKeys', () => {
  it('decodes arrows (CSI and SS3), Enter, Ctrl-C/D/N/P, backspace, Escape and text', () => {
    assert.deepEqual(parseKeys('\x1b[A\x1b[B\x1bOA\x1bOB'), ['up', 'down', 'up', 'down']);
    assert.deepEqual(parseKeys('\r\n\x03\x04\x7f\x08\x10\x0e'), [
      'enter',
      'enter',
      'cancel',
      'cancel',
      'backspace',
      'backspace',
      'up',
      'down',
    ]);
    assert.deepEqual(parseKeys('\x1b'), ['escape']);
    assert.deepEqual(parseKeys('a\x1b[5~b\t'), [{ char: 'a' }, { char: 'b' }], 'PageUp and Tab are ignored');
  });
});

describe('Menu', () => {
  it('scrolls a page of 7 and redraws over the previous drawing', () => {
    const values = Array.from({ length: 10 }, (_, i) => `v${i}`);
    const m = new Menu('Q', values, 0);
    const first = m.render();
    assert.equal(plain(first).split('\n').length - 1, 8, 'question + 7 rows');
    for (let i = 0; i < 8; i++) m.handle('down');
    const again = m.render();
    assert.ok(again.startsWith('\x1b[8A\r\x1b[J'), 'erases the 8 lines drawn before');
    assert.ok(
      plain(again).includes('  v2\n') && plain(again).includes('❯ v8\n') && !plain(again).includes('v1\n'),
    );
    assert.equal(m.current(), 'v8');
  });

  it('cuts lines to the terminal width so that redrawing stays exact', () => {
    const m = new Menu('Select "app.kubernetes.io/instance" label value:', ['x'.repeat(100)], 0, 7, 40);
    for (const line of plain(m.render()).split('\n')) assert.ok([...line].length < 40, line);
  });
});
