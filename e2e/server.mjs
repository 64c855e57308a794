// Starting and stopping `crm serve` for the browser tests (run.mjs) and the
// page-load benchmark (bench-load.mjs).
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** freePort asks the kernel for a port nobody listens on. */
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** waitReady polls url until it answers 200, the server exits, or time runs out. */
export async function waitReady(url, server, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) return false;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

/** stop sends SIGTERM, and SIGKILL when the server has not stopped in time. */
export function stop(server, timeoutMs = 30_000, log = console.log) {
  return new Promise((res) => {
    if (server.exitCode !== null || server.signalCode !== null) return res();
    const timer = setTimeout(() => {
      log('server did not stop in time; killing it');
      server.kill('SIGKILL');
    }, timeoutMs);
    server.once('exit', () => {
      clearTimeout(timer);
      res();
    });
    server.kill('SIGTERM');
  });
}

/**
 * startServer runs bin serve on free ports with dataDir, env added, and
 * waits for /readyz. It returns the base URL and the process.
 */
export async function startServer({ bin, cwd, dataDir, env = {}, stdio = ['ignore', 'ignore', 'ignore'] }) {
  const [port, pgPort] = [await freePort(), await freePort()];
  const baseURL = `http://127.0.0.1:${port}`;
  const serverEnv = {
    ...process.env,
    CRM_DATA_DIR: dataDir,
    CRM_ADDR: `127.0.0.1:${port}`,
    CRM_PUBLIC_URL: baseURL,
    CRM_PG_PORT: String(pgPort),
    ...env,
  };
  const server = spawn(bin, ['serve'], { cwd, env: serverEnv, stdio });
  return { baseURL, server, serverEnv };
}
