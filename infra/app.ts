import { App } from 'aws-cdk-lib';
import { definePlatform } from './platform.ts';

// Pinned to the CLI's account and region when it knows them; otherwise the stacks stay
// environment-agnostic, which is what lets `cdk synth` run without credentials.
const account = process.env.CDK_DEFAULT_ACCOUNT;
const region = process.env.CDK_DEFAULT_REGION;

await definePlatform(new App(), account || region ? { env: { account, region } } : {});
