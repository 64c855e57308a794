import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// The typed client must be exactly what `npm run gen:api` makes from the
// committed openapi.json (itself written by `crm openapi`; `make generate`
// refreshes both). A stale schema.d.ts would let the app compile against an
// API that no longer exists.
it('src/api/schema.d.ts is generated from openapi.json', () => {
  const web = fileURLToPath(new URL('../..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'crm-api-check-'));
  try {
    const out = join(dir, 'schema.d.ts');
    const cli = join(web, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'openapi.json', '-o', out], { cwd: web, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const fresh = readFileSync(out, 'utf8');
    const committed = readFileSync(join(web, 'src', 'api', 'schema.d.ts'), 'utf8');
    expect(committed === fresh, 'src/api/schema.d.ts is stale: run `npm run gen:api` (or `make generate`) and commit it').toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
