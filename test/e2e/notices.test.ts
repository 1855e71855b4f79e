// THIRD_PARTY_NOTICES.md (shipped in the package) names every package the bundle contains, with the
// licence texts those packages ship, and is what the build generates today. (.ci/run also checks that
// the build left the committed file unchanged.)
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { type BundledPackage, bundle } from '../../scripts/bundle.mjs';
import { ROOT } from '../support/kstern.ts';

describe('THIRD_PARTY_NOTICES.md', () => {
  let notices: string;
  let generated: string;
  let packages: BundledPackage[];
  before(async () => {
    notices = await readFile(join(ROOT, 'THIRD_PARTY_NOTICES.md'), 'utf8');
    ({ notices: generated, packages } = await bundle());
  });

  it('lists every bundled package with its version and licence, and no other', () => {
    assert.ok(packages.length > 0);
    for (const p of ['@kubernetes/client-node', 'commander', 'js-yaml', 're2js']) {
      assert.ok(
        packages.some((b) => b.name === p),
        `${p} is bundled`,
      );
    }
    const table = notices
      .split('\n')
      .filter((l) => /^\| [^-|]/.test(l) && !l.startsWith('| package '))
      .map((l) => l.split('|')[1]!.trim() + '@' + l.split('|')[2]!.trim());
    assert.deepEqual(
      table,
      packages.map((p) => `${p.name}@${p.version}`),
    );
    for (const p of packages) {
      assert.ok(notices.includes(`\n## ${p.name}@${p.version}\n`), `a section for ${p.name}@${p.version}`);
      assert.ok(notices.includes(`| ${p.name} | ${p.version} | ${p.license} |`), `${p.name}'s licence`);
    }
  });

  it("carries each bundled package's licence file text", () => {
    for (const p of packages) {
      for (const f of p.licenceFiles) {
        const text = f.text.replace(/\r\n?/g, '\n').trimEnd();
        assert.ok(notices.includes(text), `${p.name}'s ${f.file} is in the notices`);
      }
    }
  });

  it('is what the build generates from the current node_modules', () => {
    assert.equal(notices, generated, 'THIRD_PARTY_NOTICES.md is stale: run npm run build');
  });

  it('holds no machine path', () => {
    assert.ok(!notices.includes(ROOT), 'no path of this checkout');
    assert.ok(!/node_modules\//.test(notices), 'no node_modules path');
  });
});
