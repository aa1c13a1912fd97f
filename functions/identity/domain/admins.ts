import { logger } from '../../platform/logger.ts';
import { type Language, languageOfCountry, type RenderedEmail } from '../../platform/mail/locale.ts';
import type { Mailer, Page } from '../../platform/ports.ts';
import type { OrganizationRecord, UserRecord } from './model.ts';

/** What other contexts read of organizations and their users (the identity store). */
export interface Organizations {
  getOrganization(orgId: string): Promise<OrganizationRecord | undefined>;
  listUsers(orgId: string, limit: number, cursor?: string): Promise<Page<UserRecord>>;
}

/** An organization another record names (a relationship row, a relationship): it must exist. */
export async function existingOrganization(deps: { organizations: Organizations }, orgId: string) {
  const org = await deps.organizations.getOrganization(orgId);
  if (!org) throw new Error(`Organization ${orgId}, named by a stored record, does not exist`);
  return org;
}

/** The active global admins of an organization (who are emailed about what partners do for it). */
export async function globalAdminsOf(deps: { organizations: Organizations }, orgId: string) {
  const admins: UserRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.organizations.listUsers(orgId, 100, cursor);
    admins.push(...page.items.filter((u) => u.adminRole === 'GLOBAL_ADMIN' && u.status === 'ACTIVE'));
    cursor = page.nextCursor;
  } while (cursor);
  return admins;
}

/**
 * Emails an organization's global admins, in the language of its country (users keep no locale).
 * A notification, not the change: a failure is logged with `what` (the operators' error alarm)
 * and the change stands.
 */
export async function mailGlobalAdmins(
  deps: { organizations: Organizations; mailer: Mailer },
  orgId: string,
  render: (language: Language) => RenderedEmail,
  what: Record<string, string>,
) {
  try {
    const [org, admins] = await Promise.all([
      deps.organizations.getOrganization(orgId),
      globalAdminsOf(deps, orgId),
    ]);
    const email = render(languageOfCountry(org?.country ?? ''));
    await Promise.all(admins.map((u) => deps.mailer.send({ to: u.email, ...email })));
  } catch (error) {
    logger.error('Emails to global admins did not all go out', { ...what, orgId, error });
  }
}
