import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeError } from '../../../src/kube/api.ts';
import { errorFromResponse, parseRetryAfter, statusError } from '../../../src/kube/status.ts';

describe('errorFromResponse', () => {
  const cases: {
    name: string;
    status: number;
    body: string;
    retryAfter?: string;
    want: { message: string; status: number; reason?: string; retryAfterSeconds?: number };
  }[] = [
    {
      name: 'a JSON Status keeps its message and reason',
      status: 404,
      body: JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        message: 'pods "x" not found',
        reason: 'NotFound',
        code: 404,
      }),
      want: { message: 'pods "x" not found', status: 404, reason: 'NotFound' },
    },
    {
      name: '401 Unauthorized',
      status: 401,
      body: '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}\n',
      want: { message: 'Unauthorized', status: 401, reason: 'Unauthorized' },
    },
    {
      name: 'retryAfterSeconds from the Status details',
      status: 429,
      body: JSON.stringify({
        kind: 'Status',
        message: 'too many requests',
        reason: 'TooManyRequests',
        code: 429,
        details: { retryAfterSeconds: 3 },
      }),
      want: { message: 'too many requests', status: 429, reason: 'TooManyRequests', retryAfterSeconds: 3 },
    },
    {
      name: 'the Retry-After header wins',
      status: 503,
      body: JSON.stringify({ kind: 'Status', message: 'busy', code: 503, details: { retryAfterSeconds: 3 } }),
      retryAfter: '7',
      want: { message: 'busy', status: 503, retryAfterSeconds: 7 },
    },
    {
      name: 'a Status without a message',
      status: 500,
      body: JSON.stringify({ kind: 'Status', reason: 'InternalError', code: 500 }),
      want: { message: '500 InternalError', status: 500, reason: 'InternalError' },
    },
    {
      name: 'HTML from a proxy',
      status: 502,
      body: '<html>\n<head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>',
      want: {
        message:
          '502 Bad Gateway: <html> <head><title>502 Bad Gateway</title></head> <body>nginx</body></html>',
        status: 502,
      },
    },
    {
      name: 'garbage is cut at 200 characters',
      status: 500,
      body: 'x'.repeat(500),
      want: { message: `500 Internal Server Error: ${'x'.repeat(200)}`, status: 500 },
    },
    {
      name: 'JSON that is not a Status',
      status: 403,
      body: '{"error":"nope"}',
      want: { message: '403 Forbidden: {"error":"nope"}', status: 403 },
    },
    {
      name: 'an empty body',
      status: 503,
      body: '',
      retryAfter: '2',
      want: { message: '503 Service Unavailable', status: 503, retryAfterSeconds: 2 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = errorFromResponse(c.status, Buffer.from(c.body), { retryAfter: c.retryAfter });
      assert.ok(e instanceof KubeError);
      assert.equal(e.message, c.want.message);
      assert.equal(e.status, c.want.status);
      assert.equal(e.reason, c.want.reason);
      assert.equal(e.retryAfterSeconds, c.want.retryAfterSeconds);
    });
  }
});

describe('statusError', () => {
  it('turns the Status of an ERROR watch event into a KubeError', () => {
    const e = statusError({
      kind: 'Status',
      status: 'Failure',
      message: 'too old resource version: 1 (5)',
      reason: 'Expired',
      code: 410,
    });
    assert.equal(e.status, 410);
    assert.equal(e.reason, 'Expired');
    assert.equal(e.message, 'too old resource version: 1 (5)');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter('5'), 5);
    assert.equal(parseRetryAfter('soon'), undefined);
    const now = Date.parse('2024-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Mon, 01 Jan 2024 00:00:10 GMT', now), 10);
    assert.equal(parseRetryAfter('Mon, 01 Jan 2023 00:00:10 GMT', now), 0);
  });
});
