// Per-line cost of the user regexes kstern runs on every log line (--include/--exclude/--highlight):
// V8's RegExp, re2js (pure-JS RE2, linear time), and kstern's compileUserRegex (re2js, with V8 for
// literal alternations). Results and the recommendation: bench/regex.md.
//
//   npx tsx bench/regex-bench.ts             # hostile case up to n = 30 (V8 takes ~10 s there)
//   npx tsx bench/regex-bench.ts --max-n 24  # stop V8's 2^n backtracking earlier
import { readFileSync } from 'node:fs';
import { RE2JS } from 're2js';
import { compileUserRegex } from '../src/config/user-regex.ts';

const args = process.argv.slice(2);
const maxNIndex = args.indexOf('--max-n');
const MAX_N = maxNIndex >= 0 ? Number(args[maxNIndex + 1]) : 30;

/** Runs `fn` for about `budgetMs` after a warm-up; returns ns per call. */
function perCall(fn: () => unknown, budgetMs = 500): number {
  for (let i = 0; i < 1000; i++) fn();
  let runs = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budgetMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 100; i++) fn();
    runs += 100;
    now = process.hrtime.bigint();
  }
  return Number(now - start) / runs;
}

/** One call, timed once (for calls that take seconds). */
function once(fn: () => unknown): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start);
}

function fmt(ns: number): string {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} µs`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

const cell = (s: string) => s.replaceAll('|', '\\|');

function row(name: string, fns: (() => unknown)[]): void {
  const [v8, re2, ours] = fns.map((f) => perCall(f));
  console.log(
    `| ${cell(name)} | ${fmt(v8!)} | ${fmt(re2!)} | ${fmt(ours!)} | ${(re2! / v8!).toFixed(1)}× | ${(ours! / v8!).toFixed(1)}× |`,
  );
}

// A typical 120-byte log line, with and without a match.
const hit =
  '2026-01-02T15:04:05.123Z level=WARN msg="connection pool exhausted, waiting" pool=db-primary waited_ms=1534 req=9f2c81ab';
const miss = hit.replace('WARN', 'info');
const blank = 'x'.repeat(120);
if (hit.length !== 120 || miss.length !== 120) throw new Error(`line is ${hit.length} bytes, want 120`);

const re2Version = JSON.parse(readFileSync('node_modules/re2js/package.json', 'utf8')).version as string;
console.log(`node ${process.version}, re2js ${re2Version}, ${process.arch}`);
console.log('');
console.log('| case (120-byte line) | V8 RegExp | re2js | compileUserRegex | re2js / V8 | ours / V8 |');
console.log('|---|---|---|---|---|---|');

const wrap = (m: string): string => `\x1b[31;1m${m}\x1b[0;22m`;
function testCase(name: string, jsRe: RegExp, goSource: string, line: string): void {
  const re2 = RE2JS.compile(goSource);
  const ours = compileUserRegex(goSource, 'bench');
  row(`\`${goSource}\` test, ${name} [${ours.engine}]`, [
    () => jsRe.test(line),
    () => re2.test(line),
    () => ours.test(line),
  ]);
}
function replaceCase(name: string, jsRe: RegExp, goSource: string, line: string): void {
  const re2 = RE2JS.compile(goSource);
  const ours = compileUserRegex(goSource, 'bench');
  row(`\`${goSource}\` highlight, ${name} [${ours.engine}]`, [
    () => line.replace(jsRe, wrap),
    () => re2.matcher(line).replaceAll(wrap),
    () => ours.replaceAll(line, wrap),
  ]);
}

testCase('match', /ERROR|WARN/, 'ERROR|WARN', hit);
testCase('no match', /ERROR|WARN/, 'ERROR|WARN', miss);
testCase('no match', /error|warn/i, '(?i)error|warn', miss);
testCase('no match', /level=(ERROR|WARN)\b/, 'level=(ERROR|WARN)\\b', miss);
testCase('match', /waited_ms=\d{4,}/, 'waited_ms=\\d{4,}', hit);
replaceCase('3 matches', /pool|WARN/g, 'pool|WARN', hit);
replaceCase('no match', /pool|WARN/g, 'pool|WARN', blank);
replaceCase('3 matches', /po+l|WARN/g, 'po+l|WARN', hit);
replaceCase('no match', /po+l|WARN/g, 'po+l|WARN', blank);

console.log('');
console.log('Hostile `(a+)+$` against n × `a` + `!` (no match):');
console.log('');
console.log('| n | V8 RegExp | re2js (= compileUserRegex) |');
console.log('|---|---|---|');
const v8Evil = /(a+)+$/;
const re2Evil = RE2JS.compile('(a+)+$');
for (const n of [10, 20, 22, 24, 26, 28, 30]) {
  if (n > MAX_N) break;
  const s = `${'a'.repeat(n)}!`;
  const v8 = n <= 20 ? perCall(() => v8Evil.test(s), 200) : once(() => v8Evil.test(s));
  console.log(`| ${n} | ${fmt(v8)} | ${fmt(perCall(() => re2Evil.test(s), 200))} |`);
}
const long = `${'a'.repeat(100_000)}!`;
console.log(`| 100000 | (not run) | ${fmt(once(() => re2Evil.test(long)))} |`);
