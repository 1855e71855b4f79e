// Which lines a tail prints across read attempts (src/tail/emitter.ts): exactly once over resumes that
// re-read the last second, anchors, lines without timestamps, and over-long lines in pieces.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Target } from '../../../src/core/model.ts';
import { CONTINUED, LineEmitter } from '../../../src/tail/emitter.ts';
import type { ReadMode } from '../../../src/tail/rules.ts';
import { LineSplitter } from '../../../src/util/lines.ts';

const T = { key: 'ns/p/c', namespace: 'ns', pod: 'p', container: 'c' } as Target;
const ts = (n: number) => `2026-01-01T00:00:0${Math.floor(n / 10)}.00000000${n % 10}Z`;

/** Runs attempts (mode + the stream's text) through one emitter; returns the printed contents per attempt. */
function run(
  attempts: { mode: ReadMode; text: string }[],
  max?: number,
): { printed: string[]; anchorMissing: boolean }[] {
  const e = new LineEmitter({ target: T });
  return attempts.map(({ mode, text }) => {
    e.begin(mode);
    const s = new LineSplitter(max);
    const raw = s.push(Buffer.from(text));
    const r = e.take(raw, s.kinds);
    e.end(s.inLongLine);
    return { printed: r.lines.map((l) => l.content.toString()), anchorMissing: r.anchorMissing };
  });
}

describe('LineEmitter', () => {
  it('a resume re-reading the last second prints only what is new', () => {
    const r = run([
      { mode: 'first', text: `${ts(1)} a\n${ts(2)} b\n` },
      { mode: 'resume', text: `${ts(1)} a\n${ts(2)} b\n${ts(3)} c\n` },
    ]);
    assert.deepEqual(r, [
      { printed: ['a', 'b'], anchorMissing: false },
      { printed: ['c'], anchorMissing: false },
    ]);
  });

  it('two lines with the same timestamp: the second is printed after a resume that cut between them', () => {
    const r = run([
      { mode: 'first', text: `${ts(1)} a\n` },
      { mode: 'resume', text: `${ts(1)} a\n${ts(1)} a-again\n` },
    ]);
    assert.deepEqual(r[1]!.printed, ['a-again']);
  });

  it('a resume whose anchor does not come back stops at the first newer line', () => {
    const r = run([
      { mode: 'first', text: `${ts(1)} a\n${ts(2)} b\n` },
      { mode: 'resume', text: `${ts(3)} other instance\n` },
    ]);
    assert.deepEqual(r[1], { printed: [], anchorMissing: true });
  });

  it('a trusted resume (still our instance, log rotated) prints without its anchor', () => {
    const r = run([
      { mode: 'first', text: `${ts(2)} b\n` },
      { mode: 'trust', text: `${ts(3)} c\n` },
    ]);
    assert.deepEqual(r[1], { printed: ['c'], anchorMissing: false });
  });

  it('lines without a timestamp are never skipped and do not end the skip phase', () => {
    const r = run([
      { mode: 'first', text: `${ts(1)} a\n` },
      { mode: 'resume', text: `${ts(1)} a\nno timestamp\n${ts(2)} b\n` },
    ]);
    assert.deepEqual(r[1]!.printed, ['no timestamp', 'b']);
  });

  it('a long line cut by the end of an attempt continues after its printed pieces', () => {
    const line = `${ts(1)} ${'x'.repeat(40)}${'y'.repeat(64)}${'z'.repeat(10)}`;
    // The first piece holds the 31-byte timestamp and 33 bytes of content.
    const r = run(
      [
        { mode: 'first', text: line.slice(0, 64 + 64 + 5) },
        { mode: 'resume', text: `${line}\n${ts(2)} next\n` },
      ],
      64,
    );
    const mark = CONTINUED.toString();
    assert.deepEqual(r[0]!.printed, [`${'x'.repeat(33)}${mark}`, `${'x'.repeat(7)}${'y'.repeat(57)}${mark}`]);
    assert.deepEqual(r[1]!.printed, [`${'y'.repeat(7)}${'z'.repeat(10)}`, 'next']);
  });
});
