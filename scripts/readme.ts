// Regenerates the flag tables in README.md from src/cli/options.ts: `npm run readme`.
import { readFileSync, writeFileSync } from 'node:fs';
import { readmeWithFlags } from '../src/cli/flag-table.ts';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, readmeWithFlags(readFileSync(path, 'utf8')));
