import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogLine, Target } from '../../../src/core/model.ts';
import { defaultFormatter } from '../../../src/output/format.ts';

function target(pod: string, container: string, namespace = 'default'): Target {
  return {
    key: `${namespace}/${pod}/${container}`,
    namespace,
    pod,
    podUid: 'uid',
    container,
    kind: 'regular',
    containerId: 'cid',
    podObject: { metadata: { name: pod, namespace } },
  };
}
const line = (
  t: Target,
  content: string | Buffer,
  timestamp = '2023-01-01T00:00:30.000000001Z',
): LogLine => ({
  target: t,
  timestamp,
  content: typeof content === 'string' ? Buffer.from(content) : content,
});

describe('defaultFormatter.line', () => {
  const cases: {
    name: string;
    o: Parameters<typeof defaultFormatter>[0];
    t: Target;
    content: string;
    want: string;
  }[] = [
    {
      name: 'plain (stern default vector)',
      o: { level: 0, showNamespace: false },
      t: target('pod1', 'container1'),
      content: 'default message',
      want: 'pod1 container1 default message\n',
    },
    {
      name: 'plain with namespace (stern -A vector)',
      o: { level: 0, showNamespace: true },
      t: target('pod1', 'container1', 'ns1'),
      content: 'default message',
      want: 'ns1 pod1 container1 default message\n',
    },
    {
      name: 'coloured: both colours from the pod name (my-pod → 5)',
      o: { level: 3, showNamespace: false },
      t: target('my-pod', 'my-container'),
      content: 'hello',
      want: '\x1b[91mmy-pod\x1b[39m \x1b[31mmy-container\x1b[39m hello\n',
    },
    {
      name: 'coloured with namespace in the pod colour',
      o: { level: 3, showNamespace: true },
      t: target('my-pod', 'my-container', 'kube-system'),
      content: 'hello',
      want: '\x1b[91mkube-system\x1b[39m \x1b[91mmy-pod\x1b[39m \x1b[31mmy-container\x1b[39m hello\n',
    },
    {
      name: 'diff-container colours the container by its own name (my-container → 3)',
      o: { level: 3, showNamespace: false, diffContainer: true },
      t: target('my-pod', 'my-container'),
      content: 'hello',
      want: '\x1b[91mmy-pod\x1b[39m \x1b[33mmy-container\x1b[39m hello\n',
    },
    {
      name: 'custom palette with multi-part SGR',
      o: { level: 3, showNamespace: false, palette: [['4;91', '38;2;255;97;136']] },
      t: target('p', 'c'),
      content: 'x',
      want: '\x1b[4m\x1b[91mp\x1b[39m\x1b[24m \x1b[38;2;255;97;136mc\x1b[39m x\n',
    },
    {
      name: 'a truecolor palette at level 2: the nearest 256-colour code',
      o: { level: 2, showNamespace: false, palette: [['38;2;255;97;136', '38;2;120;220;232']] },
      t: target('p', 'c'),
      content: 'x',
      want: '\x1b[38;5;211mp\x1b[39m \x1b[38;5;117mc\x1b[39m x\n',
    },
    {
      name: 'a truecolor palette at level 1: the nearest of the 16 colours',
      o: { level: 1, showNamespace: false, palette: [['38;2;255;97;136', '38;2;120;220;232']] },
      t: target('p', 'c'),
      content: 'x',
      want: '\x1b[95mp\x1b[39m \x1b[96mc\x1b[39m x\n',
    },
    {
      name: 'empty content',
      o: { level: 0, showNamespace: false },
      t: target('p', 'c'),
      content: '',
      want: 'p c \n',
    },
    {
      name: 'timestamp hook',
      o: { level: 0, showNamespace: false, formatTimestamp: (ts) => `<${ts.slice(0, 4)}>` },
      t: target('p', 'c'),
      content: 'x',
      want: 'p c <2023> x\n',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const f = defaultFormatter(c.o);
      const got = f.line(line(c.t, c.content));
      assert.equal(got.toString('latin1'), Buffer.from(c.want).toString('latin1'));
      assert.equal(f.line(line(c.t, c.content)).toString('latin1'), got.toString('latin1'), 'cached prefix');
    });
  }

  it('the timestamp hook is not called for a line without a timestamp', () => {
    const f = defaultFormatter({ level: 0, showNamespace: false, formatTimestamp: () => 'TS' });
    assert.equal(f.line(line(target('p', 'c'), 'x', '')).toString(), 'p c x\n');
  });

  it('content bytes are appended raw (invalid UTF-8, NUL, ESC)', () => {
    const content = Buffer.from([0xff, 0x00, 0x1b, 0x5b, 0xc3]);
    const got = defaultFormatter({ level: 0, showNamespace: false }).line(line(target('p', 'c'), content));
    assert.deepStrictEqual(got, Buffer.concat([Buffer.from('p c '), content, Buffer.from('\n')]));
  });

  it('different targets get their own prefix', () => {
    const f = defaultFormatter({ level: 0, showNamespace: false });
    assert.equal(f.line(line(target('a', 'c1'), 'x')).toString(), 'a c1 x\n');
    assert.equal(f.line(line(target('b', 'c2'), 'y')).toString(), 'b c2 y\n');
  });
});

/** stern's `+` (bold HiGreen) and `-` (bold HiRed), as chalk writes them. */
const PLUS = '\x1b[92m\x1b[1m+\x1b[22m\x1b[39m';
const MINUS = '\x1b[91m\x1b[1m-\x1b[22m\x1b[39m';

describe('defaultFormatter attach/detach (stern TestPrintStarting/TestPrintStopping)', () => {
  const t = target('my-pod', 'my-container', 'my-namespace');
  const cases: { name: string; color: boolean; ns: boolean; attach: string; detach: string }[] = [
    {
      name: 'plain',
      color: false,
      ns: false,
      attach: '+ my-pod › my-container\n',
      detach: '- my-pod › my-container\n',
    },
    {
      name: 'plain with namespace',
      color: false,
      ns: true,
      attach: '+ my-namespace my-pod › my-container\n',
      detach: '- my-namespace my-pod › my-container\n',
    },
    {
      name: 'coloured',
      color: true,
      ns: false,
      attach: `${PLUS} \x1b[91mmy-pod\x1b[39m › \x1b[31mmy-container\x1b[39m\n`,
      detach: `${MINUS} \x1b[91mmy-pod\x1b[39m › \x1b[31mmy-container\x1b[39m\n`,
    },
    {
      name: 'coloured with namespace',
      color: true,
      ns: true,
      attach: `${PLUS} \x1b[91mmy-namespace\x1b[39m \x1b[91mmy-pod\x1b[39m › \x1b[31mmy-container\x1b[39m\n`,
      detach: `${MINUS} \x1b[91mmy-namespace\x1b[39m \x1b[91mmy-pod\x1b[39m › \x1b[31mmy-container\x1b[39m\n`,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const f = defaultFormatter({ level: c.color ? 3 : 0, showNamespace: c.ns });
      assert.equal(f.attach(t), c.attach);
      assert.equal(f.detach(t), c.detach);
    });
  }

  it('the separator is U+203A (e2 80 ba)', () => {
    const s = defaultFormatter({ level: 0, showNamespace: false }).attach(target('p', 'c'));
    assert.deepStrictEqual(
      Buffer.from(s),
      Buffer.from([0x2b, 0x20, 0x70, 0x20, 0xe2, 0x80, 0xba, 0x20, 0x63, 0x0a]),
    );
  });
});
