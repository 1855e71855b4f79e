#!/usr/bin/env node
// kstern as a kubectl plugin: `kubectl kstern …` runs this file (on PATH as kubectl-kstern). The name
// of this file is what bin/kstern.js looks at to say "kubectl kstern" in help and usage errors.
await import('./kstern.js');
