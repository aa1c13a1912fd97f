/**
 * `npm start`: the whole system on one machine. Ctrl-C (SIGINT) or SIGTERM stops
 * every stand-in, leaving no java or node child behind.
 */
// This machine may run Node 20 (Lambda runs 22); the SDK's reminder about it is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { numberEnv } from '../../functions/platform/config.ts';
import { startLocalRuntime } from './runtime.ts';

const operator = {
  email: process.env.OPERATOR_EMAIL ?? 'operator@csp-platform.local',
  password: process.env.OPERATOR_PASSWORD ?? 'Operator-Local-2026',
};

const sampleProvider = {
  name: 'Contoso Distribution',
  domain: 'contoso-distribution.example',
  country: 'US',
  admin: {
    firstName: 'Dana',
    lastName: 'Provider',
    email: 'admin@contoso-distribution.example',
    password: 'Provider-Local-2026',
  },
};

const partnerNetwork = [
  {
    mpnId: '1234567',
    legalName: 'Fabrikam Iberia S.L.',
    country: 'ES',
    status: 'ACTIVE' as const,
    // On the reseller's customer list once its enrollment is approved (NOT_ON_PLATFORM until invited).
    existingCustomers: [
      { name: 'Alpine Ski House', domain: 'alpineskihouse.example', country: 'ES' },
      { name: 'Coho Winery', domain: 'cohowinery.example', country: 'PT' },
    ],
  },
  { mpnId: '2345678', legalName: 'Northwind Traders Inc.', country: 'US', status: 'ACTIVE' as const },
  { mpnId: '3456789', legalName: 'Tailspin Toys GmbH', country: 'DE', status: 'ACTIVE' as const },
  { mpnId: '9999999', legalName: 'Inactive Partner Ltd', country: 'GB', status: 'INACTIVE' as const },
];

const started = Date.now();
let runtime: Awaited<ReturnType<typeof startLocalRuntime>> | undefined;
let stopping = false;

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local runtime…`);
  await runtime?.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

try {
  runtime = await startLocalRuntime({
    port: numberEnv('PORT', 3000),
    mailboxPort: numberEnv('MAILBOX_PORT', 8005),
    timeScale: numberEnv('LOCAL_TIME_SCALE', 1440),
    ...(process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {}),
    operator,
    sampleProvider,
    partnerNetwork,
    logLevel: process.env.LOG_LEVEL ?? 'INFO',
  });
  if (stopping) await runtime.stop();
  console.log(
    [
      `CSP partner platform running (started in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
      `  API        ${runtime.apiUrl}   (GET /health, GET /openapi.json)`,
      `  Mailbox    ${runtime.mailboxUrl}   (every email the system sends)`,
      `  Operator   ${operator.email} / ${operator.password}`,
      `  Provider   ${sampleProvider.admin.email} / ${sampleProvider.admin.password}   (${sampleProvider.name}, indirect provider)`,
      `  Partner network (MPN) profiles: ${partnerNetwork.map((p) => `${p.mpnId} ${p.country} ${p.status}`).join(', ')}`,
      `  Time scale 1:${runtime.env.LOCAL_TIME_SCALE} (waits in state machines are divided by it)`,
      'Ctrl-C stops everything.',
    ].join('\n'),
  );
} catch (error) {
  console.error(`Could not start the local runtime: ${(error as Error).message}`);
  await runtime?.stop();
  process.exit(1);
}
