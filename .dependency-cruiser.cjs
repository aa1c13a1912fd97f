/**
 * The layering rules of functions/ (docs/decisions.md, "Layout"), checked on the import graph by
 * `npm run layers` (part of `npm test`). Arrows point down only:
 *   routes.ts, workflows.ts, openapi.ts  →  contexts  →  platform/
 * and inside a context: api/, tasks/, pages/  →  domain/  →  ports.ts; store.ts and wiring.ts
 * implement the ports. Contexts meet only through another context's domain/, ports.ts,
 * schemas.ts, wiring.ts (its adapters, for other contexts' wiring) and principal modules.
 */
const CONTEXTS = '(identity|enrollment|relationships|commerce|on-behalf|support|activity)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'An import cycle: two modules that need each other belong together or need a port between them.',
      from: { path: '^(functions|infra)/' },
      to: { circular: true },
    },
    {
      name: 'platform-imports-no-context',
      severity: 'error',
      comment: 'platform/ is the shared kernel: it knows no business context and no assembled table.',
      from: { path: '^functions/platform/' },
      to: { path: [`^functions/${CONTEXTS}/`, '^functions/[^/]+\\.ts$'] },
    },
    {
      name: 'domain-is-plain',
      severity: 'error',
      comment:
        'A domain holds rules over ports: no HTTP, no table, no adapter, no AWS SDK or Lambda types, no handler.',
      from: { path: `^functions/${CONTEXTS}/domain/` },
      to: {
        path: [
          '^functions/platform/(http|data)/',
          '^functions/platform/(aws|runtime|config)\\.ts$',
          '^functions/platform/mail/ses\\.ts$',
          '^functions/platform/links/link-secret\\.ts$',
          '^functions/platform/crypto/',
          '^functions/platform/events/(bus|queue)\\.ts$',
          `^functions/${CONTEXTS}/(api|tasks|pages|events)/`,
          `^functions/${CONTEXTS}/[a-z-]*(store|wiring|directory|workflow|routes|schemas|principal|link-principal|sender)\\.ts$`,
          'node_modules/(@aws-sdk|@smithy|@middy|@aws-lambda-powertools|@types/aws-lambda)/',
        ],
      },
    },
    {
      name: 'contexts-meet-through-their-surface',
      severity: 'error',
      comment:
        'Another context is reached through its domain/, ports.ts, schemas.ts, wiring.ts or principal modules (and identity/directory.ts, the Cognito adapter), never its store or handlers.',
      from: { path: `^functions/${CONTEXTS}/` },
      to: {
        path: `^functions/${CONTEXTS}/`,
        pathNot: [
          '^functions/$1/',
          `^functions/${CONTEXTS}/(domain/|(ports|schemas|wiring|principal|link-principal)\\.ts$)`,
          // Identity's Cognito adapter, for another context's handler whose route uses the userPool.
          '^functions/identity/directory\\.ts$',
        ],
      },
    },
    {
      name: 'functions-stand-alone',
      severity: 'error',
      comment: 'Deployed code imports nothing from the CDK app, the local runtime, tests or scripts.',
      from: { path: '^functions/' },
      to: { path: '^(infra|test|scripts)/' },
    },
    {
      name: 'infra-imports-no-test',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^(test|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
