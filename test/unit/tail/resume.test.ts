import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTimestampNs } from '../../../src/core/rfc3339.ts';
import { ResumePoint } from '../../../src/tail/resume.ts';

const ns = (ts: string) => {
  const v = parseTimestampNs(ts);
  assert.ok(v !== undefined, ts);
  return v;
};

/** One connection's lines, as `<ts> <text>`; a line without a timestamp is just `<text>`. */
type Conn = string[];

/**
 * Drives a ResumePoint like the tailer does: for each connection after the first, beginResume(); then for
 * each line: shouldSkip → print → record. Returns what was printed and the sinceTime asked for each reconnect.
 */
function drive(conns: Conn[]): { printed: string[]; since: (string | undefined)[] } {
  const rp = new ResumePoint();
  const printed: string[] = [];
  const since: (string | undefined)[] = [];
  for (const [i, conn] of conns.entries()) {
    if (i > 0) {
      rp.beginResume();
      since.push(rp.sinceTime());
    }
    for (const line of conn) {
      const sp = line.indexOf(' ');
      const t = sp > 0 ? parseTimestampNs(line.slice(0, sp)) : undefined;
      const text = t === undefined ? line : line.slice(sp + 1);
      if (rp.shouldSkip(t)) continue;
      printed.push(text);
      if (t !== undefined) rp.record(t);
    }
  }
  return { printed, since };
}

const L1 = '2023-01-01T00:00:30.000000001Z line 1';
const L2 = '2023-01-01T00:00:30.000000002Z line 2';
const L3 = '2023-01-01T00:00:31.000000001Z line 3';
const L4 = '2023-01-01T00:00:31.000000002Z line 4';
const L5 = '2023-01-01T00:00:32.000000000Z line 5';

describe('ResumePoint (stern TestConsumeStreamTail vectors, exactly once)', () => {
  const cases: { name: string; conns: Conn[]; printed: string[]; since: (string | undefined)[] }[] = [
    {
      name: 'no resume',
      conns: [[L1, L2, L3, L4]],
      printed: ['line 1', 'line 2', 'line 3', 'line 4'],
      since: [],
    },
    {
      name: 'drop after line 1: server resends the whole second',
      conns: [[L1], [L1, L2, L3, L4]],
      printed: ['line 1', 'line 2', 'line 3', 'line 4'],
      since: ['2023-01-01T00:00:30Z'],
    },
    {
      name: 'drop after line 2',
      conns: [
        [L1, L2],
        [L1, L2, L3, L4],
      ],
      printed: ['line 1', 'line 2', 'line 3', 'line 4'],
      since: ['2023-01-01T00:00:30Z'],
    },
    {
      name: 'drop after line 3: only lines of second 31 come back',
      conns: [
        [L1, L2, L3],
        [L3, L4],
      ],
      printed: ['line 1', 'line 2', 'line 3', 'line 4'],
      since: ['2023-01-01T00:00:31Z'],
    },
    {
      name: 'drop after everything, new lines later',
      conns: [
        [L1, L2, L3, L4],
        [L3, L4, L5],
      ],
      printed: ['line 1', 'line 2', 'line 3', 'line 4', 'line 5'],
      since: ['2023-01-01T00:00:31Z'],
    },
    {
      name: 'resent second is shorter than expected (log rotated): nothing lost, nothing doubled',
      conns: [[L1, L2, L3, L4], [L5]],
      printed: ['line 1', 'line 2', 'line 3', 'line 4', 'line 5'],
      since: ['2023-01-01T00:00:31Z'],
    },
    {
      name: 'resume twice in a row, before anything new was printed',
      conns: [[L1, L2], [L1], [L1, L2, L3, L4]],
      printed: ['line 1', 'line 2', 'line 3', 'line 4'],
      since: ['2023-01-01T00:00:30Z', '2023-01-01T00:00:30Z'],
    },
    {
      name: 'resume twice, progress in between',
      conns: [[L1], [L1, L2, L3], [L3, L4]],
      printed: ['line 1', 'line 2', 'line 3', 'line 4'],
      since: ['2023-01-01T00:00:30Z', '2023-01-01T00:00:31Z'],
    },
    {
      name: 'resume with nothing recorded: fresh start, no skipping',
      conns: [[], [L1, L2]],
      printed: ['line 1', 'line 2'],
      since: [undefined],
    },
    {
      name: 'skipping ends at the first printed line: a later repeat of the timestamp is printed',
      conns: [
        [L1, L2],
        [L1, L2, L3, L2],
      ],
      printed: ['line 1', 'line 2', 'line 3', 'line 2'],
      since: ['2023-01-01T00:00:30Z'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepStrictEqual(drive(c.conns), { printed: c.printed, since: c.since }));
  }
});

describe('ResumePoint with lines sharing a timestamp', () => {
  const T = '2023-01-01T00:00:30.5Z';
  const a = `${T} a`;
  const b = `${T} b`;
  const c = `${T} c`;
  const d = '2023-01-01T00:00:30.7Z d';
  const cases: { name: string; conns: Conn[]; printed: string[] }[] = [
    {
      name: 'two of three printed',
      conns: [
        [a, b],
        [a, b, c, d],
      ],
      printed: ['a', 'b', 'c', 'd'],
    },
    { name: 'one of three printed', conns: [[a], [a, b, c, d]], printed: ['a', 'b', 'c', 'd'] },
    {
      name: 'all three printed',
      conns: [
        [a, b, c],
        [a, b, c, d],
      ],
      printed: ['a', 'b', 'c', 'd'],
    },
    {
      name: 'earlier lines of the same second are skipped too',
      conns: [
        [L1, a, b],
        [L1, L2, a, b, c],
      ],
      printed: ['line 1', 'a', 'b', 'c'],
    },
    { name: 'twice in a row', conns: [[a, b], [a], [a, b, c]], printed: ['a', 'b', 'c'] },
  ];
  for (const cs of cases) {
    it(cs.name, () => assert.deepStrictEqual(drive(cs.conns).printed, cs.printed));
  }
});

describe('ResumePoint and lines without a timestamp', () => {
  it('are printed during the skip phase and do not end it', () => {
    assert.deepStrictEqual(
      drive([
        [L1, L2],
        [L1, 'no-timestamp', L2, L3],
      ]).printed,
      ['line 1', 'line 2', 'no-timestamp', 'line 3'],
    );
  });

  it('shouldSkip(undefined) is false, before and during resume', () => {
    const rp = new ResumePoint();
    assert.equal(rp.shouldSkip(undefined), false);
    rp.record(ns('2023-01-01T00:00:30Z'));
    rp.beginResume();
    assert.equal(rp.shouldSkip(undefined), false);
    assert.equal(rp.shouldSkip(ns('2023-01-01T00:00:30Z')), true);
  });
});

describe('ResumePoint basics', () => {
  it('sinceTime is undefined until a line is recorded, then the second of the last line', () => {
    const rp = new ResumePoint();
    assert.equal(rp.sinceTime(), undefined);
    rp.record(ns('2023-01-01T00:00:30.999999999Z'));
    assert.equal(rp.sinceTime(), '2023-01-01T00:00:30Z');
    rp.record(ns('2023-01-01T00:00:31.000000001Z'));
    assert.equal(rp.sinceTime(), '2023-01-01T00:00:31Z');
  });

  it('never skips without beginResume', () => {
    const rp = new ResumePoint();
    const t = ns('2023-01-01T00:00:30Z');
    rp.record(t);
    assert.equal(rp.shouldSkip(t), false);
    assert.equal(rp.shouldSkip(t - 1n), false);
  });
});
