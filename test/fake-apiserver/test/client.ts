// A plain node:http2 / node:https client for testing the fake API server at the wire level.

import { type ClientHttp2Session, type ClientHttp2Stream, connect } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import type { FakeApiServer } from '../index.ts';

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience for JSON bodies
  json: any;
}

function toResponse(status: number, headers: Response['headers'], body: Buffer): Response {
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, body, text, json };
}

export class H2Client {
  constructor(
    readonly session: ClientHttp2Session,
    readonly token: string,
  ) {}

  static async connect(
    srv: FakeApiServer,
    o: { token?: string; settings?: { initialWindowSize?: number } } = {},
  ) {
    const session = connect(srv.url, { ca: srv.caPem, ...(o.settings ? { settings: o.settings } : {}) });
    await new Promise<void>((resolve, reject) => {
      session.once('connect', () => resolve());
      session.once('error', reject);
    });
    session.on('error', () => {});
    return new H2Client(session, o.token ?? srv.token);
  }

  /** Opens a request; `response` resolves with the head, the stream yields the body. */
  open(
    path: string,
    headers: Record<string, string> = {},
  ): { stream: ClientHttp2Stream; head: Promise<Response['headers']> } {
    const stream = this.session.request({
      ':path': path,
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
      ...headers,
    });
    const head = new Promise<Response['headers']>((resolve, reject) => {
      stream.once('response', (h) => resolve(h as Response['headers']));
      stream.once('error', reject);
    });
    return { stream, head };
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const { stream, head } = this.open(path, headers);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const h = await head;
    await new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('error', reject);
    });
    return toResponse(Number(h[':status']), h, Buffer.concat(chunks));
  }

  close(): void {
    this.session.close();
  }
}

/** One HTTP/1.1 GET (no keep-alive) over TLS. */
export function h1get(srv: FakeApiServer, path: string, token = srv.token): Promise<Response> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, srv.url);
    const req = httpsRequest(
      u,
      { ca: srv.caPem, headers: { authorization: `Bearer ${token}` }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(toResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Reads newline-delimited lines from a readable stream, one at a time, with a timeout. */
export class LineReader {
  #buf = '';
  #lines: string[] = [];
  #waiters: (() => void)[] = [];
  ended = false;
  error: Error | undefined;

  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => {
      this.#buf += c;
      const parts = this.#buf.split('\n');
      this.#buf = parts.pop()!;
      this.#lines.push(...parts);
      this.#wake();
    });
    stream.on('end', () => {
      this.ended = true;
      this.#wake();
    });
    stream.on('error', (e: Error) => {
      this.error = e;
      this.ended = true;
      this.#wake();
    });
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** The next line, or undefined when the stream ended. */
  async next(timeoutMs = 3000): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.#lines.length === 0 && !this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('LineReader: timed out waiting for a line');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.#lines.shift();
  }

  /** Reads until the stream ends; returns the remaining lines. */
  async rest(timeoutMs = 3000): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      const l = await this.next(timeoutMs);
      if (l === undefined) return out;
      out.push(l);
    }
  }
}
