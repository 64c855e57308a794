#!/usr/bin/env node
// Page-load benchmark on a slow phone network: bytes over the wire and the
// time until the login page and the contacts page can be used, with an empty
// cache, on Chrome DevTools' "Fast 3G" profile (562.5 ms latency, 1.44 Mbit/s
// down, 675 kbit/s up). A benchmark, not a test: it prints numbers for
// docs/performance.md and fails only when a page does not load.
//
//   make build && node e2e/bench-load.mjs        (or: cd web && npm run bench:load)
//
// It starts bin/crm serve on a throw-away data dir with the demo loaded, like
// the browser tests, and drives Debian's Chromium with playwright-core.

import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { startServer, stop, waitReady } from './server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = createRequire(join(root, 'web', 'package.json'))('playwright-core');
const bin = resolve(root, process.env.CRM_BIN ?? 'bin/crm');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const fast3G = { offline: false, latency: 562.5, downloadThroughput: (1.44 * 1024 * 1024) / 8, uploadThroughput: (675 * 1024) / 8 };

async function measure(browser, baseURL, path, ready, cookies = []) {
  const ctx = await browser.newContext({ baseURL, viewport: { width: 375, height: 812 }, locale: 'en-US' });
  if (cookies.length) await ctx.addCookies(cookies);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', fast3G);
  let bytes = 0;
  let requests = 0;
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests += 1;
  });
  const start = Date.now();
  await page.goto(path, { waitUntil: 'commit' });
  await ready(page);
  const ms = Date.now() - start;
  await page.waitForLoadState('networkidle');
  await ctx.close();
  return { ms, bytes, requests };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-bench-'));
  chmodSync(dataDir, 0o755);
  const { baseURL, server } = await startServer({ bin, cwd: root, dataDir, env: { CRM_SEED: 'true' } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    if (!(await waitReady(`${baseURL}/readyz`, server, 120_000))) throw new Error('server not ready');
    const login = await fetch(`${baseURL}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'alice@acme.test', password: 'demo-password' }),
    });
    const session = /crm_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
    if (!session) throw new Error(`demo login failed: ${login.status}`);
    const cookies = [{ name: 'crm_session', value: session, url: baseURL }];

    const pages = [
      ['login page', '/login', (p) => p.getByRole('button', { name: 'Log in' }).waitFor(), []],
      [
        'contacts page',
        '/contacts',
        (p) =>
          p
            .getByRole('heading', { name: 'Contacts', level: 1 })
            .waitFor()
            .then(() => p.locator('table tbody tr').first().waitFor()),
        cookies,
      ],
    ];
    console.log(`Fast 3G, empty cache, 375×812, median of ${runs} runs`);
    console.log('page           | KiB over the wire | requests | time to usable');
    for (const [name, path, ready, c] of pages) {
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await measure(browser, baseURL, path, ready, c));
      const kib = (median(results.map((r) => r.bytes)) / 1024).toFixed(0);
      const s = (median(results.map((r) => r.ms)) / 1000).toFixed(1);
      console.log(`${name.padEnd(14)} | ${kib.padStart(17)} | ${String(median(results.map((r) => r.requests))).padStart(8)} | ${s} s`);
    }
  } finally {
    await browser.close();
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
