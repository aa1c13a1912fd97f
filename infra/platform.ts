import { type App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { BUNDLES_DIR, buildPlatformBundles } from './functions.ts';
import { deploySettings } from './settings.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

/**
 * The whole platform in `app`: what `cdk synth` and `cdk deploy` make (infra/app.ts), and
 * what the bundle test synthesizes. Reads the deploy settings first, so a missing `-c`
 * flag fails before anything is built; then builds the bundles, which stops when a route's
 * declared resources disagree with what its code uses.
 */
export async function definePlatform(
  app: App,
  opts: { env?: { account?: string; region?: string }; bundlesDir?: string; nag?: boolean } = {},
) {
  const settings = deploySettings(app);
  const bundles = await buildPlatformBundles(undefined, opts.bundlesDir ?? BUNDLES_DIR);

  const stateful = new StatefulStack(app, 'CspPartnerPlatform-Stateful', {
    ...(opts.env ? { env: opts.env } : {}),
    description:
      'CSP partner platform: table, user pool, mail configuration, link secret (retained on delete), alarm topic',
    // It holds the data and the identities: deleting it must be a deliberate, two-step act.
    terminationProtection: true,
    alarmEmail: settings.alarmEmail,
  });
  const stateless = new StatelessStack(app, 'CspPartnerPlatform-Stateless', {
    ...(opts.env ? { env: opts.env } : {}),
    description: 'CSP partner platform: API, functions, workflows',
    table: stateful.table,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    configurationSet: stateful.configurationSet,
    linkSecret: stateful.linkSecret,
    webhookKey: stateful.webhookKey,
    alarmTopic: stateful.alarmTopic,
    bundleDirs: new Map([...bundles].map(([handler, bundle]) => [handler, bundle.dir])),
    settings,
  });

  Tags.of(app).add('project', 'csp-partner-platform');
  // cdk-nag v3 is a policy validation plugin: an unacknowledged finding fails synthesis.
  if (opts.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { stateful, stateless, bundles };
}
