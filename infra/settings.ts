import type { Construct } from 'constructs';

/** What one deployment is told at `cdk deploy` and nothing can guess: no silent example.com defaults. */
export interface DeploySettings {
  /** The sender of every email; its SES identity (address or domain) must be verified. */
  mailFrom: string;
  /** Where emailed links point: the API's public URL (a custom domain, or the stage URL of a first deploy). */
  publicBaseUrl: string;
  /** Where operators are alerted (reviews overdue for 30 days). */
  operatorAlertEmail: string;
  /** Subscribed to the alarms' SNS topic (it must confirm the subscription email once). */
  alarmEmail: string;
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const HTTPS_URL = /^https:\/\/[^\s/]+(\/[^\s]*[^\s/])?$/;

const SETTINGS: Record<keyof DeploySettings, { pattern: RegExp; example: string }> = {
  mailFrom: { pattern: EMAIL, example: 'no-reply@your-domain.com' },
  publicBaseUrl: { pattern: HTTPS_URL, example: 'https://api.your-domain.com' },
  operatorAlertEmail: { pattern: EMAIL, example: 'operators@your-domain.com' },
  alarmEmail: { pattern: EMAIL, example: 'on-call@your-domain.com' },
};

/** The command-line flags that set every setting, for messages and docs. */
export const SETTINGS_FLAGS = Object.entries(SETTINGS)
  .map(([key, { example }]) => `-c ${key}=${example}`)
  .join(' ');

/**
 * Reads the settings from CDK context (`-c key=value`) and refuses to go on without one of
 * them, naming the flag, so a stack is never synthesized with a placeholder sender or URL.
 */
export function deploySettings(scope: Construct): DeploySettings {
  const problems: string[] = [];
  const values: Partial<DeploySettings> = {};
  for (const [key, { pattern, example }] of Object.entries(SETTINGS) as Array<
    [keyof DeploySettings, (typeof SETTINGS)[keyof DeploySettings]]
  >) {
    const value: unknown = scope.node.tryGetContext(key);
    if (value === undefined) problems.push(`missing ${key}: pass -c ${key}=${example}`);
    else if (typeof value !== 'string' || !pattern.test(value))
      problems.push(`${key} must look like ${example}, got ${JSON.stringify(value)}`);
    else values[key] = value;
  }
  if (problems.length > 0) {
    throw new Error(
      `Cannot synthesize the platform without its deploy settings:\n  ${problems.join('\n  ')}\nExample: npx cdk deploy --all ${SETTINGS_FLAGS}`,
    );
  }
  return values as DeploySettings;
}
