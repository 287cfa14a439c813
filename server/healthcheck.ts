#!/usr/bin/env node
/**
 * The container's HEALTHCHECK: GET /readyz on this machine, exit 0 when ready, 1 otherwise.
 * Standalone on purpose (no server modules loaded: it runs every few seconds). The port comes from PORT,
 * as in the image; an argument overrides it: `node dist/server/healthcheck.js 9000`.
 */
const port = process.argv[2] ?? process.env.PORT ?? '8080';
const listening = process.env.CCM_MOCK_HOST;
const host =
  !listening || listening === '0.0.0.0' || listening === '::'
    ? '127.0.0.1'
    : listening.includes(':')
      ? `[${listening}]`
      : listening;
const url = `http://${host}:${port}/readyz`;

try {
  const res = await fetch(url, { signal: AbortSignal.timeout(2500) });
  const body = await res.text();
  console.log(`${url} ${res.status} ${body}`);
  process.exit(res.status === 200 ? 0 : 1);
} catch (err) {
  console.log(`${url} ${(err as Error).message}`);
  process.exit(1);
}
