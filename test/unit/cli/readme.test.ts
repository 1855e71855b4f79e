import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { flagTable, readmeWithFlags } from '../../../src/cli/flag-table.ts';
import { OPTIONS } from '../../../src/cli/options.ts';

describe('README flag tables', () => {
  it('list every flag the program defines, as generated (run `npm run readme` after changing a flag)', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
    assert.equal(readme, readmeWithFlags(readme));
    for (const o of OPTIONS) assert.ok(readme.includes(`\`--${o.long}`), `--${o.long} is documented`);
  });

  it('puts kubectl connection flags in their own table', () => {
    assert.ok(flagTable(true).includes('`--server <url>`'));
    assert.ok(!flagTable(false).includes('`--server <url>`'));
  });
});
