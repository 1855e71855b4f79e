// Hostile log content through the built binary: a line that never ends is printed in pieces of
// --max-line-bytes as it arrives, and kstern's memory stays bounded (it grew to gigabytes before).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type FakeApiServer, startFakeApiServer } from '../fake-apiserver/index.ts';
import { BIN } from '../support/kstern.ts';
import { until } from '../support/wait.ts';

let srv: FakeApiServer;
let kubeconfig: string;

before(async () => {
  srv = await startFakeApiServer();
  kubeconfig = await srv.writeKubeconfig();
});
after(() => srv.close());

/** Resident memory of a process in MiB (Linux). */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

const MARK = ' [continued: longer than --max-line-bytes]';

describe('a line that never ends', () => {
  it('is printed in marked 1 MiB pieces as it arrives; memory stays bounded', async () => {
    srv.createPod({ name: 'endless-1', containers: ['app'] });
    srv.appendLog('default', 'endless-1', 'app', 'before');
    const child = spawn(
      process.execPath,
      [BIN, 'endless', '--max-line-bytes', '1Mi', '--kubeconfig', kubeconfig],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env['PATH'] },
      },
    );
    // Count lines without keeping 200 MiB of output: the first 200 bytes of each line are kept.
    const lines: { head: string; length: number }[] = [];
    let cur = { head: '', length: 0 };
    child.stdout.on('data', (b: Buffer) => {
      let start = 0;
      for (let nl = b.indexOf(10); nl !== -1; nl = b.indexOf(10, start)) {
        if (cur.head.length < 200) cur.head += b.toString('latin1', start, Math.min(nl, start + 200));
        cur.length += nl - start;
        lines.push(cur);
        cur = { head: '', length: 0 };
        start = nl + 1;
      }
      if (cur.head.length < 200) cur.head += b.toString('latin1', start, Math.min(b.length, start + 200));
      cur.length += b.length - start;
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    const exit = new Promise((r) => child.on('close', r));
    try {
      await until(() => lines.length === 1, 'the first line');
      assert.equal(lines[0]!.head, 'endless-1 app before');
      const baseline = rssMiB(child.pid!);
      const total = 200 * 1024 * 1024;
      let peak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMiB(child.pid!));
      }, 20);
      try {
        assert.equal(await srv.sendEndlessLine({ pod: 'endless-1' }, total), 1);
        // Everything sent but the last, unfinished piece is on stdout already (no newline has come).
        await until(
          () => lines.length === 200,
          () => `199 pieces (have ${lines.length - 1})`,
          60_000,
        );
      } finally {
        clearInterval(sampler);
      }
      for (const p of lines.slice(1)) {
        assert.match(p.head, /^endless-1 app x+$/);
        assert.equal(p.length, 'endless-1 app '.length + 1024 * 1024 + MARK.length);
      }
      assert.match(
        stderr,
        /a line of default\/endless-1\/app is longer than --max-line-bytes \(1048576 bytes\): printed in pieces/,
      );
      // 200 MiB went through; kstern held a few pieces at a time. Buffering the line (as before the cap)
      // costs at least the 200 MiB; what is left is the garbage collector's slack, larger on newer Node.
      assert.ok(
        peak - baseline < 128,
        `RSS grew by ${Math.round(peak - baseline)} MiB (baseline ${Math.round(baseline)})`,
      );
    } finally {
      child.kill('SIGTERM');
      await exit;
    }
  });
});
