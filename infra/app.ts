import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

const app = new App();

// Pinned to the CLI's account and region when it knows them; otherwise the stacks stay
// environment-agnostic, which is what lets `cdk synth` run without credentials.
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;
const env = account || region ? { account, region } : undefined;

const stateful = new StatefulStack(app, 'CspPartnerPlatform-Stateful', {
  env,
  description: 'CSP partner platform: table, user pool, mail configuration (retained on delete)',
  // It holds the data and the identities: deleting it must be a deliberate, two-step act.
  terminationProtection: true,
});

new StatelessStack(app, 'CspPartnerPlatform-Stateless', {
  env,
  description: 'CSP partner platform: API, functions, workflows',
  table: stateful.table,
  userPool: stateful.userPool,
  userPoolClient: stateful.userPoolClient,
  configurationSet: stateful.configurationSet,
});

Tags.of(app).add('project', 'csp-partner-platform');

// cdk-nag v3 is a policy validation plugin: an unacknowledged finding fails synthesis.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
