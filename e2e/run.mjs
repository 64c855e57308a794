#!/usr/bin/env node
// Browser tests against a real server on a fresh database.
//
//   node e2e/run.mjs            (or: cd web && npm run e2e)
//
// Expects bin/crm built with the web app embedded (make build). Starts a fake
// Twilio REST API (e2e/fake-twilio.mjs, passed as CRM_TWILIO_API_URL) and
// `bin/crm serve` on free ports with a throw-away data dir (the server starts
// its own private PostgreSQL there), waits for /readyz, runs the Playwright
// tests (playwright-core driving Debian's Chromium, through Vitest), then stops
// the server with SIGTERM and removes the data dir. Screenshots and the server
// log go to e2e/artifacts/. Exit status is non-zero when anything failed.
//
// Environment: CRM_BIN (default bin/crm), CHROMIUM_PATH (default
// /usr/bin/chromium), E2E_KEEP=1 keeps the data dir, E2E_FILTER runs only the
// test files whose name contains one of its space-separated words.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, chmodSync, readFileSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeTwilio } from './fake-twilio.mjs';
import { startServer, stop as stopServer, waitReady } from './server.mjs';

const e2eDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(e2eDir, '..');
const webDir = join(root, 'web');
const artifacts = join(e2eDir, 'artifacts');
const bin = resolve(root, process.env.CRM_BIN ?? 'bin/crm');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const started = Date.now();

function log(msg) {
  console.log(`[e2e] ${msg}`);
}

function fail(msg) {
  console.error(`[e2e] ${msg}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}

function ensureChromium() {
  if (existsSync(chromium)) return;
  if (process.getuid?.() === 0 && chromium === '/usr/bin/chromium') {
    log('Chromium is missing; installing the Debian package…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let r = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    if (r.status === 0)
      r = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
        stdio: 'inherit',
        env,
      });
    if (r.status !== 0 || !existsSync(chromium)) fail('could not install chromium (apt-get install -y chromium)');
    return;
  }
  fail(`Chromium not found at ${chromium}; install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
}

async function main() {
  if (!existsSync(bin)) fail(`${bin} not found: build the server with the web app first (make build)`);
  if (!existsSync(join(webDir, 'node_modules', 'playwright-core'))) fail('web/node_modules missing: run npm ci in web/ first');
  ensureChromium();

  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-e2e-'));
  // When we are root the server runs PostgreSQL as the postgres user, which must reach its cluster dir.
  chmodSync(dataDir, 0o755);
  // The server talks to this instead of api.twilio.com; the tests read what it was sent.
  const twilio = await startFakeTwilio();
  log(`fake Twilio on ${twilio.url}`);

  // The tests get the same environment, so `crm admin …` reaches the same database.
  const { baseURL, server, serverEnv } = await startServer({
    bin,
    cwd: root,
    dataDir,
    // The browsers speak from addresses of their own (lib.ts) through loopback.
    env: { CRM_SEED: 'false', CRM_TWILIO_API_URL: twilio.url, CRM_TRUSTED_PROXIES: '127.0.0.1/32' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  log(`started ${bin} serve on ${baseURL} (data ${dataDir})`);
  const serverLog = createWriteStream(join(artifacts, 'server.log'));
  server.stdout.pipe(serverLog, { end: false });
  server.stderr.pipe(serverLog, { end: false });

  let exitCode = 1;
  let summary = 'e2e: 0 passed, 1 failed';
  const cleanup = async () => {
    await stopServer(server, 30_000, log);
    await twilio.close();
    serverLog.end();
    if (process.env.E2E_KEEP === '1') log(`kept data dir ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  };
  const onSignal = async () => {
    await cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const ready = await waitReady(`${baseURL}/readyz`, server, 120_000);
    if (!ready) {
      log(`server did not become ready (exit ${server.exitCode}); last lines of its log:`);
      await new Promise((r) => setTimeout(r, 200));
      const text = existsSync(join(artifacts, 'server.log')) ? readFileSync(join(artifacts, 'server.log'), 'utf8') : '';
      console.error(text.split('\n').slice(-30).join('\n'));
      throw new Error('server not ready');
    }
    log(`server ready after ${((Date.now() - started) / 1000).toFixed(1)}s; running browser tests`);

    const resultsFile = join(artifacts, 'results.json');
    const args = ['vitest', 'run', '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`];
    if (process.env.E2E_FILTER) args.push(...process.env.E2E_FILTER.split(/\s+/).filter(Boolean));
    const tests = spawn('npx', args, {
      cwd: webDir,
      stdio: 'inherit',
      env: {
        ...serverEnv,
        E2E_CRM_BIN: bin,
        E2E_BASE_URL: baseURL,
        E2E_TWILIO_URL: twilio.url,
        E2E_ARTIFACTS: artifacts,
        CHROMIUM_PATH: chromium,
      },
    });
    const code = await new Promise((r) => tests.on('exit', (c, s) => r(c ?? (s ? 1 : 0))));
    exitCode = code === 0 ? 0 : 1;
    if (existsSync(resultsFile)) {
      const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
      // A file that fails outside any test (a beforeAll, an import) counts as one failure.
      const failedFiles = (r.testResults ?? []).filter((f) => f.status === 'failed').length;
      const failed = r.numFailedTests > 0 ? r.numFailedTests : failedFiles;
      summary = `e2e: ${r.numPassedTests} passed, ${failed} failed`;
      if (r.numTotalTests === 0 || failed > 0) exitCode = 1;
    } else if (exitCode === 0) {
      summary = 'e2e: 0 passed, 0 failed';
      exitCode = 1;
    }
  } catch (err) {
    console.error(`[e2e] ${err instanceof Error ? err.message : err}`);
    exitCode = 1;
  } finally {
    await cleanup();
  }
  log(`screenshots and server log in ${artifacts}`);
  log(`finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  console.log(summary);
  process.exit(exitCode);
}

main().catch((err) => {
  console.error(err);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
});
