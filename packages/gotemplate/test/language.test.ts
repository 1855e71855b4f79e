// Go text/template language semantics, outputs as Go 1.2x produces them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTemplate, ExecError, TemplateError } from '../src/index.ts';

process.env['TZ'] = 'UTC';

const DATA = {
  s: 'str',
  empty: '',
  n: 3n,
  f: 1.5,
  t: true,
  no: false,
  arr: ['a', 'b', 'c'],
  none: [],
  m: { b: 2n, a: 1n, c: { d: 'deep' } },
  nul: null,
};

function run(src: string, data: unknown = DATA): string {
  return compileTemplate(src, { color: false }).execute(data);
}

type Case = [name: string, src: string, want: string];

function table(cases: Case[], data: unknown = DATA): void {
  for (const [name, src, want] of cases) it(name, () => assert.equal(run(src, data), want));
}

describe('text, actions, trim markers, comments', () => {
  table([
    ['raw text', 'hello world', 'hello world'],
    ['field', '{{.s}}', 'str'],
    ['chained field', '{{.m.c.d}}', 'deep'],
    ['missing map key', '{{.m.nope}}|{{.m.nope.deeper}}', '<no value>|<no value>'],
    ['nil value in a map prints <no value>', '{{.nul}}', '<no value>'],
    [
      'dot',
      '{{.s | len}} {{.}}',
      '3 map[arr:[a b c] empty: f:1.5 m:map[a:1 b:2 c:map[d:deep]] n:3 no:false none:[] nul:<nil> s:str t:true]',
    ],
    ['left trim', 'a  \n {{- .s}}', 'astr'],
    ['right trim', '{{.s -}} \n\t b', 'strb'],
    ['both trims', 'x {{- .s -}} y', 'xstry'],
    ['minus without space is a number', '{{-3}}', '-3'],
    ['comment', 'a{{/* hidden */}}b', 'ab'],
    ['trimmed comment', 'a {{- /* hidden */ -}} b', 'ab'],
    ['multi-line comment', 'a{{/*\n x \n*/}}b', 'ab'],
    ['newlines inside actions', '{{\n.s\n}}', 'str'],
    ['string literals', '{{"a\\tb\\u00e9\\x41"}} {{`raw\\n`}}', 'a\tbéA raw\\n'],
    ['char constants are ints', "{{'a'}} {{printf \"%c\" 'é'}}", '97 é'],
    [
      'numbers',
      '{{1}} {{-2}} {{1.5}} {{1e3}} {{0x1F}} {{0o17}} {{0b101}} {{1_000}} {{017}} {{1.0}}',
      '1 -2 1.5 1000 31 15 5 1000 15 1',
    ],
    ['bool and nil', '{{true}} {{false}} {{print nil}}', 'true false <nil>'],
  ]);
});

describe('if / else if / with / else with', () => {
  table([
    ['if true', '{{if .t}}yes{{end}}', 'yes'],
    ['if false else', '{{if .no}}yes{{else}}no{{end}}', 'no'],
    ['else if chain', '{{if .no}}1{{else if .empty}}2{{else if .s}}3{{else}}4{{end}}', '3'],
    [
      'truthiness of zero values',
      '{{if 0}}a{{end}}{{if 0.0}}b{{end}}{{if ""}}c{{end}}{{if .none}}d{{end}}{{if .nul}}e{{end}}{{if .missing}}f{{end}}{{if .m}}g{{end}}',
      'g',
    ],
    ['with sets dot', '{{with .m.c}}{{.d}}{{end}}', 'deep'],
    ['with else', '{{with .missing}}x{{else}}none:{{.s}}{{end}}', 'none:str'],
    ['else with', '{{with .missing}}1{{else with .m.c}}{{.d}}{{else}}3{{end}}', 'deep'],
    ['with variable', '{{with $x := .s}}{{$x}}-{{.}}{{end}}', 'str-str'],
    ['and/or return values', '{{and 1 0 2}} {{and 1 2}} {{or 0 "" "x"}} {{or 0 ""}}|', '0 2 x |'],
    ['and short-circuits', '{{and .no (index .arr 99)}}', 'false'],
    ['or short-circuits', '{{or .t (index .arr 99)}}', 'true'],
    ['not', '{{not .t}} {{not .empty}} {{not .missing}}', 'false true true'],
  ]);
  it('{{if .X}} on an empty map (as data) uses Go truthiness', () =>
    assert.equal(run('{{if .}}y{{else}}n{{end}}', {}), 'n'));
});

describe('range, break, continue', () => {
  table([
    ['range array', '{{range .arr}}[{{.}}]{{end}}', '[a][b][c]'],
    ['range with index and element', '{{range $i, $e := .arr}}{{$i}}={{$e}} {{end}}', '0=a 1=b 2=c '],
    ['range single variable is the element', '{{range $e := .arr}}{{$e}}{{end}}', 'abc'],
    [
      'range map in sorted key order',
      '{{range $k, $v := .m}}{{$k}}:{{$v}} {{end}}',
      'a:1 b:2 c:map[d:deep] ',
    ],
    ['range else on empty', '{{range .none}}x{{else}}empty{{end}}', 'empty'],
    ['range else on missing', '{{range .missing}}x{{else}}empty{{end}}', 'empty'],
    ['range over int', '{{range 3}}{{.}}{{end}}', '012'],
    ['break', '{{range .arr}}{{if eq . "b"}}{{break}}{{end}}{{.}}{{end}}', 'a'],
    ['continue', '{{range .arr}}{{if eq . "b"}}{{continue}}{{end}}{{.}}{{end}}', 'ac'],
    ['$ inside range is the data', '{{range .arr}}{{$.s}}{{end}}', 'strstrstr'],
    [
      'variables declared in range body do not leak',
      '{{range .arr}}{{$x := .}}{{end}}{{$x := 1}}{{$x}}',
      '1',
    ],
    [
      'assignment inside range updates the outer variable',
      '{{$last := ""}}{{range .arr}}{{$last = .}}{{end}}{{$last}}',
      'c',
    ],
  ]);
  it('range over a string is an error', () =>
    assert.throws(() => run('{{range .s}}{{end}}'), /range can't iterate over str/));
});

describe('variables and pipelines', () => {
  table([
    ['declare and use', '{{$x := .s}}{{$x}}', 'str'],
    ['declaration prints nothing', '{{$x := 5}}', ''],
    ['assign', '{{$x := 1}}{{$x = 2}}{{$x}}', '2'],
    ['$ is the data', '{{$.s}}', 'str'],
    ['variable fields', '{{$m := .m}}{{$m.c.d}}', 'deep'],
    ['pipeline: previous value is the last argument', '{{.s | printf "%s-%s" "x"}}', 'x-str'],
    ['pipeline chain', '{{"abc" | len | printf "%d!"}}', '3!'],
    ['parenthesised', '{{printf "%s %d" (index .arr 1) (len .arr)}}', 'b 3'],
    ['chain on a parenthesised pipeline', '{{(index .m "c").d}}', 'deep'],
    ['if pipeline declares a variable scoped to the if', '{{if $v := .s}}{{$v}}{{end}}', 'str'],
  ]);
});

describe('builtins', () => {
  table([
    ['len', '{{len .arr}} {{len .m}} {{len "héllo"}} {{len .none}}', '3 3 6 0'],
    [
      'index array, map, nested, string byte',
      '{{index .arr 2}} {{index .m "a"}} {{index .m "c" "d"}} {{index "abc" 1}}',
      'c 1 deep 98',
    ],
    ['index of a missing key is the zero value', '{{index .m "zz"}}', '<no value>'],
    [
      'slice',
      '{{slice .arr 1}} {{slice .arr 1 2}} {{slice "hello" 1 3}} {{slice .arr}}',
      '[b c] [b] el [a b c]',
    ],
    ['print (spaces only between non-string operands)', '{{print 1 2 "a" "b" 3 .f}}', '1 2ab3 1.5'],
    ['println', '{{println "a" 1}}', 'a 1\n'],
    ['print of nil and missing', '{{print nil .missing .nul}}', '<nil> <nil> <nil>'],
    ['html', '{{html "<a href=\'x\'>&\\"</a>"}}', '&lt;a href=&#39;x&#39;&gt;&amp;&#34;&lt;/a&gt;'],
    ['js', '{{js "it\'s <b> \\"q\\" = \\\\"}}', 'it\\\'s \\u003Cb\\u003E \\"q\\" \\u003D \\\\'],
    ['urlquery', '{{urlquery "a b&c=d/é"}}', 'a+b%26c%3Dd%2F%C3%A9'],
    [
      'eq',
      '{{eq .s "str"}} {{eq 1 2}} {{eq 2 1 2}} {{eq .missing "x"}} {{eq .t true}}',
      'true false true false true',
    ],
    [
      'ne lt le gt ge',
      '{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1.5 2.5}}',
      'true true true true false',
    ],
    ['eq on json.Number and string', '{{eq (tryParseJSON "{\\"a\\":30}").a "30"}}', 'true'],
  ]);
});

describe('printf verbs', () => {
  table([
    ['%s %d %v', '{{printf "%s %d %v" "x" 42 .arr}}', 'x 42 [a b c]'],
    ['%q', '{{printf "%q %q" "a\\"b\\n" .arr}}', '"a\\"b\\n" ["a" "b" "c"]'],
    [
      '%f %.2f %e %g',
      '{{printf "%f %.2f %e %g %.3g" 3.14159 3.14159 1234.5678 0.000012345 1234.5678}}',
      '3.141590 3.14 1.234568e+03 1.2345e-05 1.23e+03',
    ],
    [
      'width and flags',
      '{{printf "[%5s][%-5s][%05d][%+d][%x][%X][%#x][%o][%b]" "ab" "ab" 42 42 255 255 255 8 5}}',
      '[   ab][ab   ][00042][+42][ff][FF][0xff][10][101]',
    ],
    ['%x of a string', '{{printf "%x" "hi"}}', '6869'],
    ['%t %%', '{{printf "%t %%" true}}', 'true %'],
    [
      '%v of float64 values',
      '{{printf "%v %v %v %v %v" 1e6 123456.0 1e21 1e-5 0.0001}}',
      '1e+06 123456 1e+21 1e-05 0.0001',
    ],
    [
      '%T',
      '{{printf "%T %T %T %T %T" "s" 1 1.5 .arr .m}}',
      'string int float64 []interface {} map[string]interface {}',
    ],
    ['wrong verbs', '{{printf "%d %s %f" "x" 1 1}}', '%!d(string=x) %!s(int=1) %!f(int=1)'],
    [
      'missing and extra arguments',
      '{{printf "%s %s" "a"}} {{printf "%s" "a" 1 "b"}}',
      'a %!s(MISSING) a%!(EXTRA int=1, string=b)',
    ],
    ['%s of nil', '{{printf "%s %v" nil .missing}}', '%!s(<nil>) <nil>'],
    ['%v of maps and nested values', '{{printf "%v" .m}}', 'map[a:1 b:2 c:map[d:deep]]'],
    [
      '%d of a json.Number is a bad verb',
      '{{printf "%d" (tryParseJSON "{\\"a\\":30}").a}}',
      '%!d(json.Number=30)',
    ],
    [
      '%.1f rounds half to even on the exact binary value',
      '{{printf "%.1f %.0f %.0f %.2f %.1e %.2g" (parseJSON "{\\"a\\":2.25}").a 0.5 1.5 1.005 2.25 0.125}}',
      '2.2 0 2 1.00 2.2e+00 0.12',
    ],
  ]);
});

describe('define / template / block', () => {
  table([
    ['define and template', '{{define "T"}}<{{.}}>{{end}}{{template "T" .s}}', '<str>'],
    ['template without pipeline gets nil', '{{define "T"}}[{{.}}]{{end}}{{template "T"}}', '[<no value>]'],
    ['block', '{{block "B" .arr}}{{len .}}{{end}}!', '3!'],
    ['template variables do not leak in', '{{define "T"}}{{$}}{{end}}{{$x := 1}}{{template "T" 2}}', '2'],
  ]);
  it('errors inside a defined template name it, with the location in the source', () =>
    assert.throws(() => run('{{define "T"}}{{len 3}}{{end}}{{template "T"}}'), {
      message: 'template: kstern:1:16: executing "T" at <len 3>: error calling len: len of type int',
    }));
  it('runaway recursion stops', () =>
    assert.throws(
      () => run('{{define "R"}}{{template "R" .}}{{end}}{{template "R" .}}'),
      /exceeded maximum template depth/,
    ));
  it('unknown template is an exec error', () =>
    assert.throws(() => run('{{template "nope"}}'), /template "nope" not defined/));
});

describe('comparison and call errors (Go messages)', () => {
  const errs: [string, string][] = [
    [
      '{{eq 1 "a"}}',
      'template: kstern:1:2: executing "kstern" at <eq 1 "a">: error calling eq: incompatible types for comparison: int and string',
    ],
    [
      '{{eq .f 1}}',
      'template: kstern:1:2: executing "kstern" at <eq .f 1>: error calling eq: incompatible types for comparison: float64 and int',
    ],
    [
      '{{lt .t .t}}',
      'template: kstern:1:2: executing "kstern" at <lt .t .t>: error calling lt: invalid type for comparison',
    ],
    [
      '{{lt .arr 1}}',
      'template: kstern:1:2: executing "kstern" at <lt .arr 1>: error calling lt: invalid type for comparison',
    ],
    [
      '{{eq .s}}',
      'template: kstern:1:2: executing "kstern" at <eq .s>: error calling eq: missing argument for comparison',
    ],
    [
      '{{index .arr 5}}',
      'template: kstern:1:2: executing "kstern" at <index .arr 5>: error calling index: index out of range: 5',
    ],
    [
      '{{index .arr "x"}}',
      'template: kstern:1:2: executing "kstern" at <index .arr "x">: error calling index: cannot index slice/array with type string',
    ],
    [
      '{{index .missing 1}}',
      'template: kstern:1:2: executing "kstern" at <index .missing 1>: error calling index: index of untyped nil',
    ],
    ['{{len 3}}', 'template: kstern:1:2: executing "kstern" at <len 3>: error calling len: len of type int'],
    [
      '{{len}}',
      'template: kstern:1:2: executing "kstern" at <len>: wrong number of args for len: want 1 got 0',
    ],
    ['{{parseJSON 1}}', 'template: kstern:1:12: executing "kstern" at <1>: expected string; found 1'],
    [
      '{{parseJSON .f}}',
      'template: kstern:1:12: executing "kstern" at <.f>: wrong type for value; expected string; got float64',
    ],
    [
      '{{parseJSON .missing}}',
      'template: kstern:1:12: executing "kstern" at <.missing>: invalid value; expected string',
    ],
    [
      '{{.s.x}}',
      'template: kstern:1:4: executing "kstern" at <.s.x>: can\'t evaluate field x in type string',
    ],
    [
      '{{.nul.x}}',
      'template: kstern:1:6: executing "kstern" at <.nul.x>: nil pointer evaluating interface {}.x',
    ],
    ['{{.s 1}}', 'template: kstern:1:2: executing "kstern" at <.s>: s is not a method but has arguments'],
    [
      '{{"x" 1}}',
      'template: kstern:1:2: executing "kstern" at <"x">: can\'t give argument to non-function "x"',
    ],
    ['{{nil}}', 'template: kstern:1:2: executing "kstern" at <nil>: nil is not a command'],
    ['{{$x = 1}}', 'template: kstern:1:7: executing "kstern" at <1>: undefined variable: $x'],
    [
      'line 2\n  {{ parseJSON "x" }}',
      'template: kstern:2:5: executing "kstern" at <parseJSON "x">: error calling parseJSON: invalid character \'x\' looking for beginning of value',
    ],
  ];
  for (const [src, msg] of errs) {
    it(src, () =>
      assert.throws(
        () => run(src),
        (e: Error) => e instanceof ExecError && e.message === msg,
      ),
    );
  }
});

describe('parse errors (Go messages, with line:col)', () => {
  const errs: [string, string][] = [
    ['{{nope}}', 'template: kstern:1:2: function "nope" not defined'],
    ['{{.Message}', "template: kstern:1:2: bad character U+007D '}'"],
    ['{{if .x}}a', 'template: kstern:1:10: unexpected EOF'],
    ['{{end}}', 'template: kstern:1:5: unexpected {{end}}'],
    ['{{else}}', 'template: kstern:1:6: unexpected {{else}}'],
    ['{{$x}}', 'template: kstern:1:2: undefined variable "$x"'],
    ['{{.a | 3}}', 'template: kstern:1:7: non executable command in pipeline stage 2'],
    ['{{', 'template: kstern:1:2: unclosed action'],
    ['{{/* x', 'template: kstern:1:2: unclosed comment'],
    ['{{/* x */ y}}', 'template: kstern:1:2: comment ends before closing delimiter'],
    ['{{"abc}}', 'template: kstern:1:2: unterminated quoted string'],
    ['{{(.a}}', 'template: kstern:1:5: unclosed left paren'],
    ['{{.a)}}', 'template: kstern:1:4: unexpected right paren'],
    ['{{3x}}', 'template: kstern:1:2: bad number syntax: "3x"'],
    ['{{break}}', 'template: kstern:1:2: {{break}} outside {{range}}'],
    ['{{range $a, $b, $c := .}}{{end}}', 'template: kstern:1:12: too many declarations in range'],
    ['{{$a, $b := 1}}', 'template: kstern:1:2: too many declarations in command'],
    ['{{}}', 'template: kstern:1:2: missing value for command'],
    ['{{if}}{{end}}', 'template: kstern:1:4: missing value for if'],
    ['{{1.a}}', 'template: kstern:1:2: bad number syntax: "1.a"'],
    ['{{"a".b}}', 'template: kstern:1:5: unexpected . after term "\\"a\\""'],
    ['{{if .a}}{{else}}{{else}}{{end}}', 'template: kstern:1:23: expected end; found {{else}}'],
    ['{{: 1}}', 'template: kstern:1:2: expected :='],
    ['{{ \u0001 }}', 'template: kstern:1:3: unrecognized character in action: U+0001'],
  ];
  for (const [src, msg] of errs) {
    it(JSON.stringify(src), () =>
      assert.throws(
        () => compileTemplate(src, { color: false }),
        (e: Error) => {
          assert.ok(e instanceof TemplateError);
          assert.equal(e.message, msg);
          return true;
        },
      ),
    );
  }
});

describe('methods', () => {
  table(
    [
      [
        'time.Time methods',
        '{{ (toUTC "1136171045.5").Format "15:04:05.000" }} {{ (toUTC "1136171045").Unix }} {{ (toUTC "1136171045").Year }}',
        '03:04:05.500 1136171045 2006',
      ],
      [
        'json.Number methods',
        '{{ $n := (tryParseJSON "{\\"a\\":42}").a }}{{ $n.Int64 }} {{ $n.String }} {{ $n.Float64 }}',
        '42 42 42',
      ],
    ],
    {},
  );
});
