// The colour escapes the engine writes when its caller gives no painter: fatih/color v1.19's (stern's
// colour library), and a caller's painter used instead when given.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sgrWrap } from '../src/fatih.ts';
import { compileTemplate } from '../src/index.ts';

describe('sgrWrap (fatih/color v1.19 wrap/unformat)', () => {
  const cases: { params: string; want: string }[] = [
    { params: '96', want: '\x1b[96mX\x1b[0m' },
    { params: '31;1', want: '\x1b[31;1mX\x1b[0;22m' },
    { params: '92;1', want: '\x1b[92;1mX\x1b[0;22m' },
    { params: '1;2;3;4;5;6;7;8;9', want: '\x1b[1;2;3;4;5;6;7;8;9mX\x1b[22;22;23;24;25;25;27;28;29m' },
    { params: '4;91', want: '\x1b[4;91mX\x1b[24;0m' },
    // Each ';' part is one attribute, so the 2 of 38;2;r;g;b maps to Faint's reset (22).
    { params: '38;2;255;97;136', want: '\x1b[38;2;255;97;136mX\x1b[0;22;0;0;0m' },
    { params: '0', want: '\x1b[0mX\x1b[0m' },
  ];
  for (const c of cases) it(c.params, () => assert.equal(sgrWrap(c.params, 'X'), c.want));
});

describe("the caller's painter", () => {
  const paint = (params: string) => (text: string) => `<${params}>${text}</>`;
  const cases: { tpl: string; want: string }[] = [
    { tpl: '{{colorRed "x"}}', want: '<31>x</>' },
    { tpl: '{{colorCustom "x" 1 91}}', want: '<1;91>x</>' },
    { tpl: '{{colorCustom "x"}}', want: '<>x</>' },
    { tpl: '{{levelColor "warn"}}', want: '<33>warn</>' },
  ];
  for (const c of cases) {
    it(c.tpl, () => assert.equal(compileTemplate(c.tpl, { color: true, paint }).execute({}), c.want));
  }
  it('is not called with colour off', () =>
    assert.equal(compileTemplate('{{colorRed "x"}}', { color: false, paint }).execute({}), 'x'));
});
