// The least a Node program must do to print what `kstern --no-follow` prints by default: one HTTP/2
// session, one stream per container with timestamps=true, the timestamp cut, `<pod> <container> ` put in
// front, one write() per received chunk, backpressure kept (a stream pauses until stdout drains). The
// ceiling for a Node tool on a machine; bench/compare.ts runs it beside kstern and kubectl.
//
// node bench/bare-client.mjs <server url> <CA file> <token> <namespace> [--raw] [--tail N] <pod>/<container>...
// --raw: no prefix (what `kubectl logs POD` and `kstern -o raw` print).
// No kubeconfig, no pod list, no timestamp validation, no resume: only the streams.
import { readFileSync } from 'node:fs';
import { connect } from 'node:http2';

const [url, caFile, token, namespace, ...rest] = process.argv.slice(2);
const raw = rest[0] === '--raw';
if (raw) rest.shift();
let tail;
if (rest[0] === '--tail') {
  tail = rest[1];
  rest.splice(0, 2);
}
const session = connect(url, { ca: readFileSync(caFile) });
session.on('error', (e) => {
  console.error(e.message);
  process.exitCode = 1;
});
const out = process.stdout;
let open = rest.length;

for (const target of rest) {
  const [pod, container] = target.split('/');
  const prefix = Buffer.from(raw ? '' : `${pod} ${container} `);
  const q = `container=${container}&timestamps=true${tail === undefined ? '' : `&tailLines=${tail}`}`;
  const req = session.request({
    ':path': `/api/v1/namespaces/${namespace}/pods/${pod}/log?${q}`,
    authorization: `Bearer ${token}`,
  });
  /** The unterminated end of the last chunk. */
  let carry;
  req.on('data', (data) => {
    const chunk = carry === undefined ? data : Buffer.concat([carry, data]);
    carry = undefined;
    // Output = input - timestamps + one prefix per line: sized for lines of 32 bytes, grown if shorter.
    let buf = Buffer.allocUnsafe(chunk.length + prefix.length * ((chunk.length >> 5) + 1));
    let n = 0;
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const sp = chunk.indexOf(32, start);
      const from = sp !== -1 && sp < nl ? sp + 1 : start;
      if (n + prefix.length + nl + 1 - from > buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2 + prefix.length + nl + 1 - from);
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      n += prefix.copy(buf, n);
      n += chunk.copy(buf, n, from, nl + 1);
      start = nl + 1;
    }
    if (start < chunk.length) carry = chunk.subarray(start);
    buf = buf.subarray(0, n);
    if (n > 0 && !out.write(buf)) {
      req.pause();
      out.once('drain', () => req.resume());
    }
  });
  req.on('end', () => {
    if (carry !== undefined) {
      const sp = carry.indexOf(32);
      out.write(Buffer.concat([prefix, carry.subarray(sp + 1), Buffer.from('\n')]));
    }
    if (--open === 0) session.close();
  });
  req.on('error', (e) => {
    console.error(`${target}: ${e.message}`);
    process.exitCode = 1;
  });
}
