'use strict';
// Starts the helpdesk service. Configuration (environment):
//   TRIAGEKIT_RULES        rule file or folder   (default: ../../fixtures/rules/helpdesk.rhai)
//   TRIAGEKIT_AGENTS       roster JSON           (default: ../../fixtures/agents.json)
//   TRIAGEKIT_MODEL        model file            (optional)
//   TRIAGEKIT_ADMIN_TOKEN  bearer token for POST /admin/reload (unset: admin disabled)
//   TRIAGEKIT_DB           SQLite file to persist tickets (unset: in memory)
//   TRIAGEKIT_MAX_IN_FLIGHT  requests in flight before 429 + Retry-After (unset/0: no limit)
//   TRIAGEKIT_RATE_LIMIT   requests per second before 429 + Retry-After (token bucket; unset/0: none)
//   TRIAGEKIT_RATE_BURST   bucket size (default: one second's worth)
//   KEEP_ALIVE_TIMEOUT_MS  idle keep-alive connections are closed after this (default 65000)
//   HOST, PORT             listen address        (default: 127.0.0.1:3000)

const path = require('node:path');
const { createApp } = require('./src/app');
const { openStore } = require('./src/store');

const fixtures = path.join(__dirname, '..', '..', 'fixtures');

async function main() {
  const store = await openStore({ file: process.env.TRIAGEKIT_DB });
  const app = createApp({
    rules: process.env.TRIAGEKIT_RULES ?? path.join(fixtures, 'rules', 'helpdesk.rhai'),
    agents: process.env.TRIAGEKIT_AGENTS ?? path.join(fixtures, 'agents.json'),
    model: process.env.TRIAGEKIT_MODEL,
    adminToken: process.env.TRIAGEKIT_ADMIN_TOKEN,
    maxInFlight: Number(process.env.TRIAGEKIT_MAX_IN_FLIGHT ?? 0),
    rateLimit: process.env.TRIAGEKIT_RATE_LIMIT
      ? { rps: Number(process.env.TRIAGEKIT_RATE_LIMIT), burst: Number(process.env.TRIAGEKIT_RATE_BURST || process.env.TRIAGEKIT_RATE_LIMIT) }
      : undefined,
    store,
  });
  const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
    const { address, port } = server.address();
    console.log(`helpdesk listening on http://${address}:${port}`);
  });
  // Node's default (5 s) is shorter than common clients' idle timeouts (aiohttp 15 s, many
  // proxies 60 s): a client reusing a connection the server just closed gets ECONNRESET, which
  // the load run saw as failed POSTs. Keep idle connections longer than the clients do.
  server.keepAliveTimeout = Number(process.env.KEEP_ALIVE_TIMEOUT_MS ?? 65_000);
  server.headersTimeout = server.keepAliveTimeout + 5_000;
  const stop = () => server.close(() => {
    store.shutdown();
    process.exit(0);
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
