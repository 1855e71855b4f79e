// Colours written by chalk: each SGR form stern takes maps onto a chalk style, written at the colour
// level kstern decided (truecolor brought down to 256 or 16 colours), and nothing at level 0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ColorLevel, checkSgr, painter, paintSgr } from '../../../src/output/paint.ts';

const E = (params: string) => `\x1b[${params}m`;

describe('paintSgr: each SGR form as a chalk style (level 3)', () => {
  const cases: { params: string; style: string; want: string }[] = [
    { params: '31', style: 'red', want: `${E('31')}X${E('39')}` },
    { params: '96', style: 'cyanBright', want: `${E('96')}X${E('39')}` },
    { params: '90', style: 'gray', want: `${E('90')}X${E('39')}` },
    { params: '44', style: 'bgBlue', want: `${E('44')}X${E('49')}` },
    { params: '103', style: 'bgYellowBright', want: `${E('103')}X${E('49')}` },
    { params: '1', style: 'bold', want: `${E('1')}X${E('22')}` },
    { params: '2', style: 'dim', want: `${E('2')}X${E('22')}` },
    { params: '3', style: 'italic', want: `${E('3')}X${E('23')}` },
    { params: '4', style: 'underline', want: `${E('4')}X${E('24')}` },
    { params: '7', style: 'inverse', want: `${E('7')}X${E('27')}` },
    { params: '8', style: 'hidden', want: `${E('8')}X${E('28')}` },
    { params: '9', style: 'strikethrough', want: `${E('9')}X${E('29')}` },
    { params: '53', style: 'overline', want: `${E('53')}X${E('55')}` },
    { params: '0', style: 'reset', want: `${E('0')}X${E('0')}` },
    { params: '', style: 'reset (empty is 0)', want: `${E('0')}X${E('0')}` },
    { params: '1;31', style: 'bold.red', want: `${E('1')}${E('31')}X${E('39')}${E('22')}` },
    { params: '91;1', style: 'redBright.bold', want: `${E('91')}${E('1')}X${E('22')}${E('39')}` },
    { params: '38;5;208', style: 'ansi256(208)', want: `${E('38;5;208')}X${E('39')}` },
    { params: '48;5;17', style: 'bgAnsi256(17)', want: `${E('48;5;17')}X${E('49')}` },
    { params: '38;2;255;97;136', style: 'rgb(255, 97, 136)', want: `${E('38;2;255;97;136')}X${E('39')}` },
    { params: '48;2;0;0;0', style: 'bgRgb(0, 0, 0)', want: `${E('48;2;0;0;0')}X${E('49')}` },
    {
      params: '4;38;2;1;2;3;44',
      style: 'underline.rgb.bgBlue',
      want: `${E('4')}${E('38;2;1;2;3')}${E('44')}X${E('49')}${E('39')}${E('24')}`,
    },
    { params: '39', style: 'an attribute off: nothing', want: 'X' },
    { params: '22;24', style: 'attributes off: nothing', want: 'X' },
  ];
  for (const c of cases)
    it(`${JSON.stringify(c.params)} → ${c.style}`, () => assert.equal(paintSgr(c.params, 3)('X'), c.want));
});

describe('paintSgr: truecolor and 256 colours at levels 3, 2, 1', () => {
  const cases: { params: string; level: ColorLevel; open: string; close: string }[] = [
    { params: '38;2;255;97;136', level: 3, open: '38;2;255;97;136', close: '39' },
    { params: '38;2;255;97;136', level: 2, open: '38;5;211', close: '39' },
    { params: '38;2;255;97;136', level: 1, open: '95', close: '39' },
    { params: '38;2;120;220;232', level: 2, open: '38;5;117', close: '39' },
    { params: '38;2;120;220;232', level: 1, open: '96', close: '39' },
    { params: '48;2;0;0;0', level: 1, open: '40', close: '49' },
    { params: '38;5;196', level: 2, open: '38;5;196', close: '39' },
    { params: '38;5;196', level: 1, open: '91', close: '39' },
    { params: '38;5;232', level: 1, open: '30', close: '39' },
    // stern's 16 colours are the same at every level
    ...([1, 2, 3] as const).map((level) => ({ params: '96', level, open: '96', close: '39' })),
  ];
  for (const c of cases) {
    it(`${c.params} at level ${c.level} → ${c.open}`, () =>
      assert.equal(paintSgr(c.params, c.level)('X'), `${E(c.open)}X${E(c.close)}`));
  }
});

describe('paintSgr: level 0 writes no escape', () => {
  for (const params of ['31', '1;31', '38;2;255;97;136', '38;5;208', '0'])
    it(params, () => assert.equal(paintSgr(params, 0)('X'), 'X'));
});

describe('paintSgr: what chalk has no style for is left out (template colorCustom)', () => {
  const cases: [string, string][] = [
    ['5;31', `${E('31')}X${E('39')}`],
    ['38', 'X'],
    ['38;5', 'X'],
    ['11;1', `${E('1')}X${E('22')}`],
  ];
  for (const [params, want] of cases) it(params, () => assert.equal(paintSgr(params, 3)('X'), want));
});

describe('chalk keeps colours right around what it paints', () => {
  it('a newline: closed before it, opened again after', () =>
    assert.equal(paintSgr('31', 3)('a\nb'), `${E('31')}a${E('39')}\n${E('31')}b${E('39')}`));
  it('the same colour closed inside: opened again', () =>
    assert.equal(
      paintSgr('96', 3)(`a${E('31')}b${E('39')}c`),
      `${E('96')}a${E('31')}b${E('39')}${E('96')}c${E('39')}`,
    ));
  it('an empty text stays empty', () => assert.equal(paintSgr('31', 3)(''), ''));
});

describe('checkSgr (for --pod-colors and --container-colors)', () => {
  for (const ok of ['91', '1;31', '4;91', '38;5;208', '48;2;1;2;3', '0', '7;96', '53', '22;39'])
    it(`accepts ${ok}`, () => assert.doesNotThrow(() => checkSgr(ok)));
  const bad: [string, RegExp][] = [
    ['5', /"5" \(blink\) is not a colour or style kstern can write/],
    ['6;31', /"6" \(rapid blink\)/],
    ['11', /"11" is not a colour or style/],
    ['38', /"38" must be followed by 5;<0-255> or 2;<r>;<g>;<b>/],
    ['38;5;256', /"38" must be followed/],
    ['48;2;1;2', /"48" must be followed/],
  ];
  for (const [params, msg] of bad) it(`rejects ${params}`, () => assert.throws(() => checkSgr(params), msg));
});

describe('painter', () => {
  it('builds each colour once per level', () => {
    assert.equal(painter(3)('31;1'), painter(3)('31;1'));
    assert.notEqual(painter(3)('31;1'), painter(2)('31;1'));
  });
});
