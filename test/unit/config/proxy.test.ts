// kubectl's proxy rules from the environment (Go's http.ProxyFromEnvironment).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noProxyMatches, proxyDisplay, proxyFromEnv } from '../../../src/config/proxy.ts';

describe('NO_PROXY', () => {
  const cases: [string, string, string, boolean][] = [
    ['*', 'anything.example', '443', true],
    ['example.com', 'example.com', '443', true],
    ['example.com', 'api.example.com', '443', true],
    ['example.com', 'notexample.com', '443', false],
    ['.example.com', 'example.com', '443', false],
    ['.example.com', 'api.example.com', '443', true],
    ['*.example.com', 'api.example.com', '443', true],
    ['example.com:6443', 'api.example.com', '6443', true],
    ['example.com:6443', 'api.example.com', '443', false],
    ['10.0.0.0/8', '10.96.0.1', '443', true],
    ['10.0.0.0/8', '192.168.1.1', '443', false],
    ['fd00::/8', 'fd00::1', '443', true],
    ['192.168.1.1', '192.168.1.1', '443', true],
    [' Example.COM , other', 'api.example.com', '443', true],
    ['', 'example.com', '443', false],
  ];
  for (const [list, host, port, want] of cases) {
    it(`${JSON.stringify(list)} ${want ? 'excludes' : 'keeps'} ${host}:${port}`, () => {
      assert.equal(noProxyMatches(list, host, port), want);
    });
  }
});

describe('proxyFromEnv', () => {
  it('HTTPS_PROXY for https, HTTP_PROXY for http, upper case first, http:// added', () => {
    const env = { HTTPS_PROXY: 'http://p:3128', https_proxy: 'http://lower:1', HTTP_PROXY: 'plain:8080' };
    assert.equal(proxyFromEnv('https://k8s.example:6443', env), 'http://p:3128');
    assert.equal(proxyFromEnv('http://k8s.example', env), 'http://plain:8080');
    assert.equal(proxyFromEnv('https://k8s.example', { https_proxy: 'http://lower:1' }), 'http://lower:1');
    assert.equal(proxyFromEnv('https://k8s.example', {}), undefined);
  });

  it('never for localhost or loopback; NO_PROXY with the default port', () => {
    const env = { HTTPS_PROXY: 'http://p:3128', NO_PROXY: 'k8s.example:443' };
    assert.equal(proxyFromEnv('https://localhost:6443', env), undefined);
    assert.equal(proxyFromEnv('https://127.0.0.1:6443', env), undefined);
    assert.equal(proxyFromEnv('https://[::1]:6443', env), undefined);
    assert.equal(proxyFromEnv('https://k8s.example', env), undefined);
    assert.equal(proxyFromEnv('https://k8s.example:6443', env), 'http://p:3128');
  });

  it('messages show a proxy without its credentials', () => {
    assert.equal(proxyDisplay('http://user:secret@proxy.corp:3128'), 'http://proxy.corp:3128');
  });
});
