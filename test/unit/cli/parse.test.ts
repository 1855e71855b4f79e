import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs, preprocessArgv } from '../../../src/cli/parse.ts';
import type { Config } from '../../../src/config/config.ts';
import { UserError } from '../../../src/util/errors.ts';

function config(...argv: string[]): Config {
  const cmd = parseArgs(argv, 'test');
  assert.equal(cmd.kind, 'run');
  return (cmd as { config: Config }).config;
}

function usageError(argv: string[]): { message: string; code: number } {
  try {
    parseArgs(argv, 'test');
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    return { message: e.message, code: e.exitCode };
  }
  assert.fail(`expected ${JSON.stringify(argv)} to fail`);
}

describe('parseArgs', () => {
  it('takes the pod query as an unanchored regex', () => {
    const c = config('web-\\w');
    assert.ok(c.podFilter.query.test('my-web-backend'));
    assert.ok(!c.podFilter.query.test('web-'));
  });

  it('has stern defaults', () => {
    const c = config('service');
    assert.deepEqual(c.namespaces, []);
    assert.equal(c.allNamespaces, false);
    assert.equal(c.color, 'auto');
    assert.equal(c.onlyLogLines, false);
    assert.ok(c.containerFilter.container.test('anything'));
    assert.equal(c.containerFilter.initContainers, true);
    assert.equal(c.containerFilter.ephemeralContainers, true);
    assert.equal(c.containerFilter.states.size, 0, 'all states');
    assert.equal(c.labelSelector, undefined);
  });

  const namespaceCases: [string[], string[]][] = [
    [['-n', 'a'], ['a']],
    [
      ['-n', 'a,b', '-n', 'c'],
      ['a', 'b', 'c'],
    ],
    [
      ['--namespace=a', '--namespace', 'a,,b'],
      ['a', 'b'],
    ],
    [['-n=a'], ['a']],
  ];
  for (const [args, want] of namespaceCases) {
    it(`namespaces from ${args.join(' ')}`, () => {
      assert.deepEqual(config('x', ...args).namespaces, want);
    });
  }

  it('reads the selection flags', () => {
    const c = config(
      '-l',
      'app=service',
      '--field-selector',
      'spec.nodeName=n1',
      '-c',
      '^server$',
      '-E',
      'side,car',
      '--exclude-pod',
      'old',
      '--container-state',
      'running,waiting',
      '--init-containers=false',
      '--ephemeral-containers=false',
      '-A',
      '--only-log-lines',
      '--color',
      'never',
      '--context',
      'prod',
      '--kubeconfig',
      '/tmp/kc',
    );
    assert.equal(c.labelSelector, 'app=service');
    assert.equal(c.fieldSelector, 'spec.nodeName=n1');
    assert.ok(c.containerFilter.container.test('server'));
    assert.ok(!c.containerFilter.container.test('gateway'));
    assert.equal(c.containerFilter.excludeContainer.length, 1, 'not split on commas');
    assert.ok(c.containerFilter.excludeContainer[0]!.test('side,car'));
    assert.ok(c.podFilter.excludePod[0]!.test('old-pod'));
    assert.deepEqual([...c.containerFilter.states].sort(), ['running', 'waiting']);
    assert.equal(c.containerFilter.initContainers, false);
    assert.equal(c.containerFilter.ephemeralContainers, false);
    assert.equal(c.allNamespaces, true);
    assert.equal(c.onlyLogLines, true);
    assert.equal(c.color, 'never');
    assert.equal(c.context, 'prod');
    assert.equal(c.kubeconfig, '/tmp/kc');
  });

  it('accepts Go inline flags in regexes', () => {
    assert.ok(config('(?i)SERVICE').podFilter.query.test('service-abc'));
  });

  it('prints help and version without running', () => {
    const help = parseArgs(['--help'], 'test');
    assert.equal(help.kind, 'help');
    assert.match((help as { text: string }).text, /--namespace <name>/);
    assert.deepEqual(parseArgs(['-v'], 'test'), { kind: 'version' });
  });

  it("kubectl's -v=N means verbosity, not the version (stern's bare -v still is)", () => {
    for (const argv of [
      ['x', '-v=6'],
      ['x', '-v6'],
    ]) {
      const c = parseArgs(argv, 'test');
      assert.equal(c.kind, 'run');
      assert.equal((c as { config: { verbosity: number } }).config.verbosity, 6);
    }
  });

  const bad: [string[], RegExp][] = [
    [['('], /^failed to compile regular expression from query: /],
    [['x', '-c', '['], /^failed to compile regular expression for container query: /],
    [['x', '-E', '('], /^failed to compile regular expression for excluded container query: /],
    [['x', '--exclude-pod', '*'], /^failed to compile regular expression for excluded pod query: /],
    [[], /^One of pod-query, --selector, --field-selector, --node, --prompt or --stdin is required$/],
    [['x', '--color', 'sometimes'], /^color should be one of 'always', 'never', or 'auto'$/],
    [
      ['x', '--container-state', 'sleeping'],
      /^containerState should be one of 'running', 'waiting', 'terminated', or 'all'$/,
    ],
    [['x', '--bogus'], /^unknown option '--bogus' \(see kstern --help\)$/],
    [['x', '--nope'], /^unknown option '--nope' \(Did you mean --node\?\) \(see kstern --help\)$/],
    [['x', '-n'], /^option '-n, --namespace <name>' argument missing/],
    [['x', '--verbosity', 'loud'], /^invalid value "loud" for --verbosity: not an integer$/],
    [['x', '--version=false'], /^--version takes no value: use --version alone to print the version/],
    // stern takes one query: a second word is most often meant as a container.
    [
      ['service', 'gateway'],
      /^unexpected argument "gateway": kstern takes one pod query \(to pick a container, use -c gateway\)$/,
    ],
    // Numbers that do not fit are rejected, not sent as 1e20 (kubectl: "value out of range").
    [
      ['x', '--tail', '99999999999999999999'],
      /^invalid value "99999999999999999999" for --tail: out of range \(at most 9007199254740991\)$/,
    ],
    [
      ['x', '--max-log-requests', '-99999999999999999999'],
      /^invalid value "-99999999999999999999" for --max-log-requests: out of range/,
    ],
    [['x', '--init-containers=maybe'], /^invalid value "maybe" for --init-containers: use true or false$/],
    // stern's validation messages (stern.md §1.4)
    [
      ['deployment/web', '-l', 'app=web'],
      /^--selector and the <resource>\/<name> query cannot be set at the same time$/,
    ],
    [['x', '--no-follow', '--tail', '0'], /^--no-follow cannot be used with --tail=0$/],
    [['x', '--condition', 'ready'], /^--condition is currently only supported with --tail=0 or --no-follow$/],
    [['a/b/c'], /^resource must be specified in the form "<resource>\/<name>"$/],
    [['widget/x'], /^resource type widget is not supported$/],
    [['x', '-o', 'yaml'], /^output should be one of 'default', 'raw', 'json', 'extjson', or 'ppextjson'$/],
    [['x', '--timestamps=long'], /^timestamps should be one of 'default', or 'short'$/],
    [['x', '--completion', 'tcsh'], /^completion should be one of 'bash', 'zsh', or 'fish'$/],
    [['x', '-i', '(a'], /^failed to compile regular expression for inclusion filter: /],
    [['x', '-e', '(a'], /^failed to compile regular expression for exclusion filter: /],
    [['x', '-H', '(a'], /^failed to compile regular expression for highlight filter: /],
    [['x', '--since', '10'], /^invalid value "10" for --since: time: missing unit in duration "10"$/],
    [
      ['x', '--since', '1h', '--since-time', '2026-01-01T00:00:00Z'],
      /^--since and --since-time cannot be used together$/,
    ],
    [['x', '--since-time', 'yesterday'], /^invalid value "yesterday" for --since-time/],
    [['x', '--timezone', 'Mars/Olympus'], /Mars\/Olympus/],
    [['x', '--pod-colors', 'crimson'], /--pod-colors.*invalid color "crimson"/],
    [['x', '--container-colors', '32'], /^pod-colors must not be empty$/],
    [['x', '--max-log-requests', '0'], /^--max-log-requests must be at least 1$/],
  ];
  for (const [argv, want] of bad) {
    it(`rejects ${JSON.stringify(argv)} as a usage error`, () => {
      const { message, code } = usageError(argv);
      assert.match(message, want);
      assert.equal(code, 2);
      assert.ok(!message.includes('\n'), 'one line');
    });
  }
});

describe('parseArgs: two wrong flags', () => {
  // Which message a user sees when two flags are wrong: the first check, in toConfig's order of steps.
  // Each row: the flags whose error wins, the other wrong flags, the start of the winning message, and
  // the pod query when it is not "web".
  const cases: [string[], string[], RegExp, string?][] = [
    [['-l', 'app=web'], ['--tail=x'], /^--selector and the <resource>\/<name> query/, 'deployment/web'],
    [['--tail=x'], ['--since=5m', '--since-time=2026-01-01T00:00:00Z'], /^invalid value "x" for --tail/],
    [['--since=5m', '--since-time=bad'], ['--container-state=bad'], /^--since and --since-time cannot/],
    [['--container-state=bad'], ['--timezone=Mars/Olympus'], /^containerState should be one of/],
    [['-H', '('], ['--max-line-bytes=10'], /^failed to compile regular expression for highlight filter/],
    [['--max-log-requests=0'], ['--since=bad'], /^--max-log-requests must be at least 1$/],
    [['--since=bad'], ['--wait=0'], /^invalid value "bad" for --since/],
    [['--until=done', '--no-follow'], ['--container=('], /^--until follows the pods until they are over/],
    [['-i', '('], ['--since-time=bad'], /^failed to compile regular expression for inclusion filter/],
    [['--since-time=bad'], ['-o', 'yaml'], /^invalid value "bad" for --since-time/],
    [['--color=bad'], ['--request-timeout=bad'], /^color should be one of/],
    [['--verbosity=x'], ['--qps=x'], /^invalid value "x" for --verbosity/],
    [['--burst=0'], ['--events=bad'], /^--burst must be at least 1$/],
  ];
  for (const [first, second, want, query = 'web'] of cases) {
    const withQuery = (flags: string[]) => [query, ...flags];
    it(`${first.join(' ')} is reported before ${second.join(' ')}`, () => {
      assert.match(usageError(withQuery([...first, ...second])).message, want);
      assert.match(usageError(withQuery([...second, ...first])).message, want, "whatever the flags' order");
      assert.doesNotMatch(usageError(withQuery(second)).message, want, 'the other flags are wrong too');
    });
  }
});

describe('preprocessArgv', () => {
  const cases: [string[], string[]][] = [
    [['--init-containers=false'], ['--no-init-containers']],
    [['--only-log-lines=true'], ['--only-log-lines']],
    [
      ['-n=a,b', 'q'],
      ['-n', 'a,b', 'q'],
    ],
    [
      ['--', '-n=a'],
      ['--', '-n=a'],
    ],
    [['--namespace=x'], ['--namespace=x']],
  ];
  for (const [input, want] of cases) {
    it(`${input.join(' ')} → ${want.join(' ')}`, () => assert.deepEqual(preprocessArgv(input), want));
  }
});

describe('--qps / --burst', () => {
  it('no limit by default; --qps alone bursts twice the rate; --burst sets it', () => {
    assert.equal(config('x').throttle, undefined);
    assert.equal(config('x', '--qps', '0').throttle, undefined);
    assert.deepEqual(config('x', '--qps', '2.5').throttle, { qps: 2.5, burst: 5 });
    assert.deepEqual(config('x', '--qps=0.2').throttle, { qps: 0.2, burst: 1 });
    assert.deepEqual(config('x', '--qps', '5', '--burst', '1').throttle, { qps: 5, burst: 1 });
  });

  it('bad values are usage errors naming the flag', () => {
    assert.deepEqual(usageError(['x', '--qps', 'fast']), {
      message: 'invalid value "fast" for --qps: not a non-negative number',
      code: 2,
    });
    assert.deepEqual(usageError(['x', '--qps', '-1']).code, 2);
    assert.deepEqual(usageError(['x', '--qps', '5', '--burst', '0']), {
      message: '--burst must be at least 1',
      code: 2,
    });
  });
});
