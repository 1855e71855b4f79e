import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { Writer } from '../../../src/output/writer.ts';

/** Lets pending callbacks, ticks and microtasks run; then tells whether `p` is still pending. */
async function isPending(p: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  const r = await Promise.race([p, new Promise((resolve) => setImmediate(() => resolve(marker)))]);
  return r === marker;
}

/** A Writable that completes each write only when the test says so. */
function manualSink(highWaterMark: number) {
  const written: Buffer[] = [];
  const callbacks: ((err?: Error | null) => void)[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, cb) {
      written.push(chunk);
      callbacks.push(cb);
    },
  });
  return {
    stream,
    written,
    /** Completes every write issued so far (and those the stream issues meanwhile from its buffer). */
    releaseAll() {
      while (callbacks.length > 0) callbacks.shift()!();
    },
    get waiting() {
      return callbacks.length;
    },
  };
}

function collectSink() {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString() };
}

function epipe(): NodeJS.ErrnoException {
  return Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' });
}

describe('Writer', () => {
  it('writes lines to out and err, in order', async () => {
    const out = collectSink();
    const err = collectSink();
    const w = new Writer({ out: out.stream, err: err.stream });
    await w.out('a\n');
    await w.out(Buffer.from('b\n'));
    await w.err('+ p › c\n');
    await w.flush();
    assert.equal(out.text(), 'a\nb\n');
    assert.equal(err.text(), '+ p › c\n');
    assert.equal(w.outClosed, false);
  });

  it('makes callers wait for drain when the stream is full', async () => {
    const sink = manualSink(8);
    const w = new Writer({ out: sink.stream, err: collectSink().stream });
    const small = w.out('abc\n');
    assert.equal(await isPending(small), false, 'under the high-water mark: resolves at once');
    const big = w.out('0123456789\n');
    const next = w.out('after\n');
    assert.equal(await isPending(big), true, 'over the high-water mark: waits');
    assert.equal(await isPending(next), true, 'later callers wait too');
    sink.releaseAll();
    await isPending(big);
    sink.releaseAll();
    assert.equal(await isPending(big), false);
    assert.equal(await isPending(next), false);
    assert.equal(Buffer.concat(sink.written).toString(), 'abc\n0123456789\nafter\n');
  });

  it('flush waits until every write has completed', async () => {
    const sink = manualSink(1024);
    const w = new Writer({ out: sink.stream, err: collectSink().stream });
    assert.equal(await isPending(w.flush()), false, 'idle: resolves at once');
    await w.out('one\n');
    await w.out('two\n');
    const f = w.flush();
    assert.equal(await isPending(f), true);
    while (sink.waiting > 0) {
      sink.releaseAll();
      await isPending(f);
    }
    assert.equal(await isPending(f), false);
  });

  it('keeps each line whole and each caller in order under concurrency and backpressure', async () => {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        setImmediate(cb);
      },
    });
    const w = new Writer({ out: stream, err: collectSink().stream });
    const callers = 20;
    const perCaller = 50;
    await Promise.all(
      Array.from({ length: callers }, async (_, c) => {
        for (let i = 0; i < perCaller; i++) await w.out(`caller ${c} line ${i} ${'x'.repeat(c * 7)}\n`);
      }),
    );
    await w.flush();
    const lines = Buffer.concat(chunks).toString().split('\n');
    assert.equal(lines.pop(), '');
    assert.equal(lines.length, callers * perCaller);
    const seen = new Map<number, number>();
    for (const l of lines) {
      const m = /^caller (\d+) line (\d+) (x*)$/.exec(l);
      assert.ok(m, `whole line: ${JSON.stringify(l)}`);
      const c = Number(m[1]);
      assert.equal(m[3]?.length, c * 7);
      assert.equal(Number(m[2]), seen.get(c) ?? 0, 'in order per caller');
      seen.set(c, Number(m[2]) + 1);
    }
  });

  it('stdout EPIPE: swallowed, closed, onOutClosed once, later writes are no-ops', async () => {
    let closedCalls = 0;
    let writes = 0;
    const stream = new Writable({
      write(_chunk, _enc, cb) {
        writes++;
        cb(epipe());
      },
    });
    const w = new Writer({ out: stream, err: collectSink().stream, onOutClosed: () => closedCalls++ });
    await w.out('first\n');
    await isPending(w.flush());
    assert.equal(w.outClosed, true);
    assert.equal(closedCalls, 1);
    assert.equal((w.outError as NodeJS.ErrnoException | undefined)?.code, 'EPIPE');
    await w.out('second\n');
    await w.out('third\n');
    await w.flush();
    assert.equal(writes, 1);
    assert.equal(closedCalls, 1);
  });

  it('stdout failing with ENOSPC: closed, and kept as outFailure (EPIPE is not a failure)', async () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    for (const [err, failure] of [
      [enospc, true],
      [epipe(), false],
    ] as const) {
      let closedCalls = 0;
      const stream = new Writable({
        write(_chunk, _enc, cb) {
          cb(err);
        },
      });
      stream.on('error', () => {});
      const w = new Writer({ out: stream, err: collectSink().stream, onOutClosed: () => closedCalls++ });
      await w.out('x\n');
      await w.flush();
      assert.equal(w.outClosed, true);
      assert.equal(closedCalls, 1);
      assert.equal(w.outFailure, failure ? err : undefined);
    }
  });

  it('stdout broken while callers wait for drain: they are released', async () => {
    const sink = manualSink(4);
    let closedCalls = 0;
    const w = new Writer({ out: sink.stream, err: collectSink().stream, onOutClosed: () => closedCalls++ });
    const waiting = w.out('more than four bytes\n');
    const flushed = w.flush();
    assert.equal(await isPending(waiting), true);
    sink.stream.destroy(epipe());
    assert.equal(await isPending(waiting), false);
    assert.equal(await isPending(flushed), false);
    assert.equal(w.outClosed, true);
    assert.equal(closedCalls, 1);
  });

  it('stdout already destroyed (ERR_STREAM_DESTROYED): a quiet no-op', async () => {
    const out = collectSink();
    let closedCalls = 0;
    const w = new Writer({ out: out.stream, err: collectSink().stream, onOutClosed: () => closedCalls++ });
    out.stream.destroy();
    await w.out('x\n');
    await w.flush();
    assert.equal(w.outClosed, true);
    assert.equal(closedCalls, 1);
    assert.equal(out.text(), '');
  });

  it('a broken stderr is ignored silently and does not close stdout', async () => {
    const out = collectSink();
    let closedCalls = 0;
    const err = new Writable({
      write(_chunk, _enc, cb) {
        cb(epipe());
      },
    });
    const w = new Writer({ out: out.stream, err, onOutClosed: () => closedCalls++ });
    await w.err('+ p › c\n');
    await w.err('- p › c\n');
    await w.out('still here\n');
    await w.flush();
    assert.equal(w.outClosed, false);
    assert.equal(closedCalls, 0);
    assert.equal(out.text(), 'still here\n');
  });
});
