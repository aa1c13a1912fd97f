import { beforeEach, describe, expect, it } from 'vitest';
import {
  completeNewPassword,
  createIndirectProvider,
  createWorkAccount,
  type IdentityDeps,
  peekAccountVerification,
  refreshTokens,
  SIGN_IN_FAILURE_LIMIT,
  SIGN_IN_FAILURE_WINDOW_SECONDS,
  signIn,
  verifyAccount,
} from '../../../functions/identity/domain/accounts.ts';
import { type Principal, publicUser } from '../../../functions/identity/domain/model.ts';
import { matchesVerifier, passwordProblems } from '../../../functions/identity/domain/passwords.ts';
import {
  addUser,
  deleteUser,
  listUsers,
  resetPassword,
  updateUser,
} from '../../../functions/identity/domain/users.ts';
import {
  DAY_SECONDS,
  hashLinkToken,
  VERIFICATION_LINK_TTL_SECONDS,
} from '../../../functions/platform/links/links.ts';
import {
  addOrganization,
  type FakePorts,
  fakePorts,
  identityDeps,
  PUBLIC_BASE_URL,
  passwordOf,
  addUser as seedUser,
  T0,
  tableDump,
} from '../fakes/deps.ts';
import { expectCode } from '../fakes/expect-code.ts';
import { tokenOf } from '../fakes/mailer.ts';

const PASSWORD = 'Str0ng-Passw0rd';
const T0_SECONDS = T0.getTime() / 1000;
const VERIFY = `${PUBLIC_BASE_URL}/accounts/verify?token=`;

let p: FakePorts;
let deps: IdentityDeps;

beforeEach(() => {
  p = fakePorts();
  deps = identityDeps(p);
});

const account = (domain = 'contoso.example', email = `ana@${domain}`) => ({
  organization: { name: 'Contoso Ltd', domain, country: 'ES' },
  admin: { firstName: 'Ana', lastName: 'García', email, password: PASSWORD },
});

/** A work account created through the use case, and the token of its verification email. */
async function signedUp(domain = 'contoso.example') {
  const created = await createWorkAccount(deps, account(domain));
  return { ...created, token: tokenOf(p.mailer.linkTo(`ana@${domain}`, VERIFY)) };
}

describe('createWorkAccount', () => {
  it('writes the organization, its global admin, both claims and a 7-day link; creates the identity; emails the link', async () => {
    const created = await createWorkAccount(deps, account());

    expect(created).toEqual({
      organizationId: expect.any(String),
      userId: expect.any(String),
      status: 'PENDING_EMAIL_VERIFICATION',
    });
    expect(p.identity.organizations.get(created.organizationId)).toEqual({
      id: created.organizationId,
      name: 'Contoso Ltd',
      domain: 'contoso.example',
      country: 'ES',
      partnerTypes: [],
      status: 'PENDING_EMAIL_VERIFICATION',
      globalAdminCount: 1,
      createdAt: T0.toISOString(),
    });
    expect(p.identity.users.get(created.userId)).toEqual({
      id: created.userId,
      orgId: created.organizationId,
      email: 'ana@contoso.example',
      firstName: 'Ana',
      lastName: 'García',
      agentRole: 'NONE',
      adminRole: 'GLOBAL_ADMIN',
      status: 'PENDING_EMAIL_VERIFICATION',
      createdAt: T0.toISOString(),
    });
    expect(p.identity.domainClaims.get('contoso.example')).toBe(created.organizationId);
    expect(p.identity.emailClaims.get('ana@contoso.example')).toBe(created.userId);
    // The identity's username is the user id, with the chosen password, permanent.
    expect(p.directory.accounts.get(created.userId)).toEqual({
      email: 'ana@contoso.example',
      password: PASSWORD,
      temporary: false,
    });

    expect(p.mailer.sent.map((m) => m.to)).toEqual(['ana@contoso.example']);
    const token = tokenOf(p.mailer.linkTo('ana@contoso.example', VERIFY));
    expect(p.identity.links.get(hashLinkToken(token))).toEqual({
      tokenHash: hashLinkToken(token),
      kind: 'ACCOUNT_VERIFICATION',
      orgId: created.organizationId,
      userId: created.userId,
      createdAt: T0.toISOString(),
      expiresAt: T0_SECONDS + VERIFICATION_LINK_TTL_SECONDS,
    });
    expect(tableDump(p).join()).not.toContain(token);
  });

  it.each([
    ['a web-based mail domain', account('gmail.com'), 'WEBMAIL_NOT_ALLOWED', /The domain gmail\.com/],
    [
      'a web-based mail address',
      account('contoso.example', 'ana@outlook.es'),
      'WEBMAIL_NOT_ALLOWED',
      /The address ana@outlook\.es/,
    ],
    [
      'an address off the domain',
      account('contoso.example', 'ana@fabrikam.example'),
      'EMAIL_DOMAIN_MISMATCH',
      /Use an address at contoso\.example/,
    ],
  ] as const)('refuses %s, writing, creating and sending nothing', async (_what, input, code, detail) => {
    const before = tableDump(p);

    const error = await expectCode(code, createWorkAccount(deps, input));

    expect(error.detail).toMatch(detail);
    expect(tableDump(p)).toEqual(before);
    expect(p.directory.accounts.size).toBe(0);
    expect(p.mailer.sent).toEqual([]);
  });

  it('refuses a domain that has an organization (DOMAIN_TAKEN), whatever its case', async () => {
    await signedUp('contoso.example');
    const before = tableDump(p);

    const error = await expectCode(
      'DOMAIN_TAKEN',
      createWorkAccount(deps, account('Contoso.Example', 'bob@contoso.example')),
    );

    expect(error.detail).toContain('Contoso.Example');
    expect(tableDump(p)).toEqual(before);
    expect(p.directory.accounts.size).toBe(1);
    expect(p.mailer.sent).toHaveLength(1);
  });

  it('refuses an email that has an account (EMAIL_TAKEN): a subdomain user of another organization', async () => {
    const { admin } = await addOrganization(p, 'contoso');
    await p.identity.createUser({
      ...admin.user,
      id: 'ana-contoso',
      email: 'ana@eu.contoso.example',
      adminRole: 'NONE',
    });
    const before = tableDump(p);

    const error = await expectCode('EMAIL_TAKEN', createWorkAccount(deps, account('eu.contoso.example')));

    expect(error.detail).toContain('ana@eu.contoso.example');
    expect(tableDump(p)).toEqual(before);
    expect(p.identity.domainClaims.has('eu.contoso.example')).toBe(false);
    expect(p.directory.accounts.size).toBe(1);
    expect(p.mailer.sent).toEqual([]);
  });

  it('undoes everything when the identity cannot be created, so the same account can be retried', async () => {
    p.directory.failNext('createUser');
    const before = tableDump(p);

    await expect(createWorkAccount(deps, account())).rejects.toThrow('identity provider is unavailable');

    expect(tableDump(p)).toEqual(before);
    expect(p.mailer.sent).toEqual([]);
    expect((await createWorkAccount(deps, account())).status).toBe('PENDING_EMAIL_VERIFICATION');
  });

  it('undoes the identity and the items when the email cannot be sent', async () => {
    p.mailer.failNext();
    const before = tableDump(p);

    await expect(createWorkAccount(deps, account())).rejects.toThrow('SES is unavailable');

    expect(tableDump(p)).toEqual(before);
    expect(p.directory.accounts.size).toBe(0);
  });
});

describe('createIndirectProvider', () => {
  const input = {
    organization: { name: 'Fabrikam Distribution', domain: 'fabrikam.example', country: 'ES' },
    admin: { firstName: 'Fran', lastName: 'Provider', email: 'fran@fabrikam.example' },
  };

  it('creates an active provider whose admin agent and global admin must change a generated temporary password', async () => {
    const created = await createIndirectProvider(deps, input);

    expect(passwordProblems(created.temporaryPassword)).toEqual([]);
    expect(p.identity.organizations.get(created.organizationId)).toMatchObject({
      partnerTypes: ['INDIRECT_PROVIDER'],
      status: 'ACTIVE',
      globalAdminCount: 1,
    });
    const admin = p.identity.users.get(created.userId);
    expect(admin).toMatchObject({ agentRole: 'ADMIN_AGENT', adminRole: 'GLOBAL_ADMIN', status: 'ACTIVE' });
    expect(matchesVerifier(created.temporaryPassword, admin?.temporaryPasswordVerifier ?? '')).toBe(true);
    expect(JSON.stringify(admin)).not.toContain(created.temporaryPassword);
    expect(p.directory.accounts.get(created.userId)).toEqual({
      email: 'fran@fabrikam.example',
      password: created.temporaryPassword,
      temporary: true,
    });
    expect(p.mailer.sent).toEqual([]);
    expect(await signIn(deps, 'fran@fabrikam.example', created.temporaryPassword)).toEqual({
      challenge: 'NEW_PASSWORD_REQUIRED',
      session: expect.any(String),
    });
  });

  it('sets a given permanent password without a verifier, so the admin signs in at once', async () => {
    const created = await createIndirectProvider(deps, input, { value: PASSWORD, permanent: true });

    expect(created.temporaryPassword).toBe(PASSWORD);
    expect(p.identity.users.get(created.userId)?.temporaryPasswordVerifier).toBeUndefined();
    expect(p.directory.accounts.get(created.userId)?.temporary).toBe(false);
    expect(await signIn(deps, 'fran@fabrikam.example', PASSWORD)).toMatchObject({ tokenType: 'Bearer' });
  });

  it('follows the account rules: webmail and taken domains are refused, a failed identity is undone', async () => {
    await expectCode(
      'WEBMAIL_NOT_ALLOWED',
      createIndirectProvider(deps, {
        ...input,
        organization: { ...input.organization, domain: 'hotmail.co.uk' },
        admin: { ...input.admin, email: 'fran@hotmail.co.uk' },
      }),
    );
    await createIndirectProvider(deps, input, { value: PASSWORD, permanent: true });
    const before = tableDump(p);
    await expectCode(
      'DOMAIN_TAKEN',
      createIndirectProvider(deps, { ...input, admin: { ...input.admin, email: 'eva@fabrikam.example' } }),
    );
    expect(tableDump(p)).toEqual(before);

    p.directory.failNext('createUser');
    const other = { ...input, organization: { ...input.organization, domain: 'tailspin.example' } };
    await expect(
      createIndirectProvider(deps, { ...other, admin: { ...input.admin, email: 'fran@tailspin.example' } }),
    ).rejects.toThrow('unavailable');
    expect(tableDump(p)).toEqual(before);
  });
});

describe('account verification', () => {
  it('shows the organization without changing anything, then verifies the organization and its admin once', async () => {
    const { organizationId, userId, token } = await signedUp();
    await expectCode('INVALID_CREDENTIALS', signIn(deps, 'ana@contoso.example', PASSWORD));
    const before = tableDump(p);

    expect(await peekAccountVerification(deps, token)).toEqual({ organizationName: 'Contoso Ltd' });
    expect(tableDump(p)).toEqual(before);

    p.clock.advance(3600);
    expect(await verifyAccount(deps, token)).toEqual({ status: 'VERIFIED' });

    expect(p.identity.organizations.get(organizationId)?.status).toBe('ACTIVE');
    expect(p.identity.users.get(userId)?.status).toBe('ACTIVE');
    expect(p.identity.links.get(hashLinkToken(token))?.usedAt).toBe(p.clock.now().toISOString());
    expect(await signIn(deps, 'ana@contoso.example', PASSWORD)).toMatchObject({ tokenType: 'Bearer' });
    await expectCode('LINK_USED', verifyAccount(deps, token));
    await expectCode('LINK_USED', peekAccountVerification(deps, token));
  });

  it('expires the link 7 days after it was sent, checked on read with the clock', async () => {
    const { userId, token } = await signedUp();

    p.clock.advance(VERIFICATION_LINK_TTL_SECONDS - 1);
    expect(await peekAccountVerification(deps, token)).toEqual({ organizationName: 'Contoso Ltd' });
    p.clock.advance(1);
    await expectCode('LINK_EXPIRED', peekAccountVerification(deps, token));
    await expectCode('LINK_EXPIRED', verifyAccount(deps, token));
    expect(p.identity.users.get(userId)?.status).toBe('PENDING_EMAIL_VERIFICATION');
  });

  it('answers LINK_INVALID for an unknown token and for a link of another kind', async () => {
    await signedUp();
    p.identity.links.set(hashLinkToken('enrollment-token'), {
      tokenHash: hashLinkToken('enrollment-token'),
      kind: 'ENROLLMENT_VERIFICATION',
      orgId: 'o1',
      enrollmentId: 'e1',
      createdAt: T0.toISOString(),
      expiresAt: T0_SECONDS + DAY_SECONDS,
    });

    await expectCode('LINK_INVALID', verifyAccount(deps, 'no-such-token'));
    await expectCode('LINK_INVALID', peekAccountVerification(deps, 'no-such-token'));
    await expectCode('LINK_INVALID', verifyAccount(deps, 'enrollment-token'));
    await expectCode('LINK_INVALID', peekAccountVerification(deps, 'enrollment-token'));
  });

  it('lets one of two concurrent verifications win; the other is LINK_USED', async () => {
    const { token } = await signedUp();

    const [first, second] = [verifyAccount(deps, token), verifyAccount(deps, token)];

    const [verified] = await Promise.all([first, expectCode('LINK_USED', second)]);
    expect(verified).toEqual({ status: 'VERIFIED' });
  });
});

describe('signIn', () => {
  let ada: Principal;

  beforeEach(async () => {
    ({ admin: ada } = await addOrganization(p, 'contoso'));
  });

  it('answers bearer tokens for an active user, asking the identity provider by user id', async () => {
    const tokens = await signIn(deps, 'Ada@Contoso.example', passwordOf(ada.user));

    expect(tokens).toEqual({
      accessToken: expect.stringContaining(ada.user.id),
      idToken: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: 3600,
      tokenType: 'Bearer',
    });
    expect(p.directory.signIns).toEqual([ada.user.id]);
  });

  it('answers INVALID_CREDENTIALS alike for a wrong password, an unknown email and an unverified account', async () => {
    await expectCode('INVALID_CREDENTIALS', signIn(deps, 'ada@contoso.example', 'Wrong-Passw0rd'));
    await expectCode('INVALID_CREDENTIALS', signIn(deps, 'nobody@contoso.example', PASSWORD));
    // An unknown email can only be an operator's username: the provider is asked with it.
    expect(p.directory.signIns).toEqual([ada.user.id, 'nobody@contoso.example']);

    const { userId } = await signedUp('fabrikam.example');
    await expectCode('INVALID_CREDENTIALS', signIn(deps, 'ana@fabrikam.example', PASSWORD));
    expect(p.directory.signIns).not.toContain(userId);
  });

  it('checks a temporary password against the verifier before the identity provider', async () => {
    const { user, temporaryPassword } = await addUser(deps, ada, {
      firstName: 'Tim',
      lastName: 'Temp',
      email: 'tim@contoso.example',
      agentRole: 'HELPDESK_AGENT',
      adminRole: 'NONE',
    });

    await expectCode('INVALID_CREDENTIALS', signIn(deps, user.email, `${temporaryPassword}x`));
    expect(p.directory.signIns).toEqual([]);
    expect(await signIn(deps, user.email, temporaryPassword)).toEqual({
      challenge: 'NEW_PASSWORD_REQUIRED',
      session: expect.any(String),
    });
  });

  it('refuses a challenge for a user who has no temporary password of ours', async () => {
    await p.directory.setPassword(ada.user.id, 'Temp-Passw0rd-1', true);

    await expectCode('INVALID_CREDENTIALS', signIn(deps, ada.user.email, 'Temp-Passw0rd-1'));
  });

  it('lets operators (no partner user) sign in by email, with their challenge', async () => {
    await p.directory.createUser('olga@operator.example', 'olga@operator.example', 'Temp-Passw0rd-1', true);

    expect(await signIn(deps, 'olga@operator.example', 'Temp-Passw0rd-1')).toEqual({
      challenge: 'NEW_PASSWORD_REQUIRED',
      session: expect.any(String),
    });
  });

  it('is RATE_LIMITED after 5 failures in 15 minutes, the right password too, until the window ends', async () => {
    for (let i = 0; i < SIGN_IN_FAILURE_LIMIT; i++) {
      await expectCode('INVALID_CREDENTIALS', signIn(deps, 'ada@contoso.example', 'Wrong-Passw0rd'));
      p.clock.advance(60);
    }
    expect(p.identity.signInFailureCounts.get('ada@contoso.example')).toEqual({
      failures: 5,
      windowEndsAt: T0_SECONDS + SIGN_IN_FAILURE_WINDOW_SECONDS,
    });

    const limited = await expectCode(
      'RATE_LIMITED',
      signIn(deps, ' ADA@contoso.example', passwordOf(ada.user)),
    );

    expect(limited.retryAfterSeconds).toBe(SIGN_IN_FAILURE_WINDOW_SECONDS - 300);
    expect(limited.detail).toContain('10 minutes');
    expect(p.directory.signIns).toHaveLength(SIGN_IN_FAILURE_LIMIT);
    p.clock.advance(SIGN_IN_FAILURE_WINDOW_SECONDS - 300);
    expect(await signIn(deps, 'ada@contoso.example', passwordOf(ada.user))).toMatchObject({
      tokenType: 'Bearer',
    });
  });
});

describe('completeNewPassword and refreshTokens', () => {
  let ada: Principal;

  beforeEach(async () => {
    ({ admin: ada } = await addOrganization(p, 'contoso'));
  });

  it('answers the challenge with tokens and forgets the verifier; the new password signs in, the old one not', async () => {
    const { user, temporaryPassword } = await addUser(deps, ada, {
      firstName: 'Tim',
      lastName: 'Temp',
      email: 'tim@contoso.example',
      agentRole: 'HELPDESK_AGENT',
      adminRole: 'NONE',
    });
    const challenge = await signIn(deps, user.email, temporaryPassword);
    const session = 'session' in challenge ? challenge.session : '';

    await expectCode('INVALID_CREDENTIALS', completeNewPassword(deps, user.email, 'stale-session', PASSWORD));
    const tokens = await completeNewPassword(deps, user.email, session, PASSWORD);

    expect(tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    const stored = p.identity.users.get(user.id);
    expect(stored?.temporaryPasswordVerifier).toBeUndefined();
    expect(stored && publicUser(stored).status).toBe('ACTIVE');
    expect(await signIn(deps, user.email, PASSWORD)).toMatchObject({ tokenType: 'Bearer' });
    await expectCode('INVALID_CREDENTIALS', signIn(deps, user.email, temporaryPassword));
    await expectCode('INVALID_CREDENTIALS', completeNewPassword(deps, user.email, session, PASSWORD));
  });

  it('refuses a new password for a user without a temporary one, or an unknown email', async () => {
    await expectCode('INVALID_CREDENTIALS', completeNewPassword(deps, ada.user.email, 'session-1', PASSWORD));
    await expectCode(
      'INVALID_CREDENTIALS',
      completeNewPassword(deps, 'nobody@contoso.example', 's', PASSWORD),
    );
  });

  it('refreshes the tokens, keeping the refresh token the identity provider does not renew', async () => {
    const tokens = await signIn(deps, ada.user.email, passwordOf(ada.user));
    const refreshToken = 'refreshToken' in tokens ? tokens.refreshToken : '';

    const refreshed = await refreshTokens(deps, refreshToken);

    expect(refreshed).toMatchObject({ refreshToken, tokenType: 'Bearer' });
    expect(refreshed.accessToken).not.toBe('accessToken' in tokens ? tokens.accessToken : '');
    await expectCode('INVALID_CREDENTIALS', refreshTokens(deps, 'not-a-refresh-token'));
    await p.directory.deleteUser(ada.user.id);
    await expectCode('INVALID_CREDENTIALS', refreshTokens(deps, refreshToken));
  });
});

describe('partner users and roles', () => {
  let ada: Principal;
  let uma: Principal;
  let hugo: Principal;

  beforeEach(async () => {
    const { org, admin } = await addOrganization(p, 'contoso');
    ada = admin;
    uma = await seedUser(p, org, 'uma', 'NONE', 'USER_MANAGEMENT_ADMIN');
    hugo = await seedUser(p, org, 'hugo', 'HELPDESK_AGENT', 'NONE');
  });

  const newUser = (over: Partial<Parameters<typeof addUser>[2]> = {}) => ({
    firstName: 'Tim',
    lastName: 'Temp',
    email: 'tim@contoso.example',
    agentRole: 'ADMIN_AGENT' as const,
    adminRole: 'NONE' as const,
    ...over,
  });
  const adminCount = () => p.identity.organizations.get('contoso')?.globalAdminCount;

  describe('addUser', () => {
    it('adds an active user who must change a temporary password shown once', async () => {
      p.clock.advance(60);
      const { user, temporaryPassword } = await addUser(
        deps,
        uma,
        newUser({ email: 'tim@eu.contoso.example' }),
      );

      expect(p.identity.users.get(user.id)).toEqual(user);
      expect(user).toMatchObject({
        orgId: 'contoso',
        email: 'tim@eu.contoso.example',
        agentRole: 'ADMIN_AGENT',
        adminRole: 'NONE',
        status: 'ACTIVE',
        createdAt: p.clock.now().toISOString(),
      });
      expect(publicUser(user).status).toBe('MUST_CHANGE_PASSWORD');
      expect(JSON.stringify(user)).not.toContain(temporaryPassword);
      expect(p.directory.accounts.get(user.id)).toEqual({
        email: 'tim@eu.contoso.example',
        password: temporaryPassword,
        temporary: true,
      });
      expect(adminCount()).toBe(1);
    });

    it('counts a new global admin', async () => {
      await addUser(deps, ada, newUser({ adminRole: 'GLOBAL_ADMIN' }));

      expect(adminCount()).toBe(2);
    });

    it('lets only a global admin grant the global admin role (FORBIDDEN), writing nothing', async () => {
      const before = tableDump(p);

      await expectCode('FORBIDDEN', addUser(deps, uma, newUser({ adminRole: 'GLOBAL_ADMIN' })));

      expect(tableDump(p)).toEqual(before);
      expect(p.directory.accounts.size).toBe(3);
    });

    it('refuses an address off the domain and one that has an account, writing nothing', async () => {
      const before = tableDump(p);

      await expectCode(
        'EMAIL_DOMAIN_MISMATCH',
        addUser(deps, ada, newUser({ email: 'tim@fabrikam.example' })),
      );
      await expectCode('EMAIL_TAKEN', addUser(deps, ada, newUser({ email: 'HUGO@contoso.example' })));

      expect(tableDump(p)).toEqual(before);
      expect(p.directory.accounts.size).toBe(3);
    });

    it('removes the user again when the identity cannot be created, admin count included', async () => {
      p.directory.failNext('createUser');
      const before = tableDump(p);

      await expect(addUser(deps, ada, newUser({ adminRole: 'GLOBAL_ADMIN' }))).rejects.toThrow('unavailable');

      expect(tableDump(p)).toEqual(before);
      expect(adminCount()).toBe(1);
    });

    it('is NOT_FOUND when the caller’s organization no longer exists', async () => {
      p.identity.organizations.delete('contoso');

      await expectCode('NOT_FOUND', addUser(deps, ada, newUser()));
      expect(p.identity.emailClaims.has('tim@contoso.example')).toBe(false);
    });
  });

  describe('listUsers', () => {
    it('pages the organization’s users by email with opaque cursors, and only its own', async () => {
      const { org: other } = await addOrganization(p, 'fabrikam');
      await seedUser(p, other, 'zoe', 'ADMIN_AGENT', 'NONE');

      const emails: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listUsers(deps, uma, 2, cursor);
        emails.push(...page.items.map((u) => u.email));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);

      expect(emails).toEqual(['ada@contoso.example', 'hugo@contoso.example', 'uma@contoso.example']);
      expect(pages).toBe(2);
    });

    it('refuses another organization’s cursor (VALIDATION_FAILED on query.cursor)', async () => {
      const { admin: fabrikamAdmin } = await addOrganization(p, 'fabrikam');
      const { nextCursor } = await listUsers(deps, ada, 1);

      const error = await expectCode('VALIDATION_FAILED', listUsers(deps, fabrikamAdmin, 1, nextCursor));

      expect(error.errors).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
    });
  });

  describe('updateUser', () => {
    it('changes names and roles, and counts global admins both ways', async () => {
      const promoted = await updateUser(deps, ada, hugo.user.id, {
        firstName: 'Hugh',
        adminRole: 'GLOBAL_ADMIN',
      });

      expect(promoted).toMatchObject({
        firstName: 'Hugh',
        agentRole: 'HELPDESK_AGENT',
        adminRole: 'GLOBAL_ADMIN',
      });
      expect(p.identity.users.get(hugo.user.id)).toEqual(promoted);
      expect(adminCount()).toBe(2);

      await updateUser(deps, ada, ada.user.id, { adminRole: 'NONE' });
      expect(adminCount()).toBe(1);
      expect(p.identity.users.get(ada.user.id)?.adminRole).toBe('NONE');
    });

    it('is NOT_FOUND for another organization’s user or an unknown id', async () => {
      const { admin: fabrikamAdmin } = await addOrganization(p, 'fabrikam');

      await expectCode('NOT_FOUND', updateUser(deps, ada, fabrikamAdmin.user.id, { firstName: 'X' }));
      await expectCode('NOT_FOUND', updateUser(deps, ada, 'no-such-user', { firstName: 'X' }));
      expect(p.identity.users.get(fabrikamAdmin.user.id)?.firstName).toBe('Ada');
    });

    it('lets only a global admin change a global admin or grant the role (FORBIDDEN)', async () => {
      const before = tableDump(p);

      await expectCode('FORBIDDEN', updateUser(deps, uma, ada.user.id, { firstName: 'X' }));
      await expectCode('FORBIDDEN', updateUser(deps, uma, hugo.user.id, { adminRole: 'GLOBAL_ADMIN' }));

      expect(tableDump(p)).toEqual(before);
      expect((await updateUser(deps, uma, hugo.user.id, { agentRole: 'ADMIN_AGENT' })).agentRole).toBe(
        'ADMIN_AGENT',
      );
    });

    it('refuses a user without any role (VALIDATION_FAILED on body.adminRole)', async () => {
      const before = tableDump(p);

      const error = await expectCode(
        'VALIDATION_FAILED',
        updateUser(deps, ada, hugo.user.id, { agentRole: 'NONE' }),
      );

      expect(error.errors).toEqual([
        { path: 'body.adminRole', message: expect.stringContaining('at least one role') },
      ]);
      expect(tableDump(p)).toEqual(before);
    });

    it('refuses to demote the last global admin (LAST_GLOBAL_ADMIN), changing nothing', async () => {
      const before = tableDump(p);

      await expectCode(
        'LAST_GLOBAL_ADMIN',
        updateUser(deps, ada, ada.user.id, { adminRole: 'USER_MANAGEMENT_ADMIN' }),
      );

      expect(tableDump(p)).toEqual(before);
    });

    it('keeps one of two global admins demoted at the same time', async () => {
      const bea = (
        await addUser(deps, ada, newUser({ email: 'bea@contoso.example', adminRole: 'GLOBAL_ADMIN' }))
      ).user;

      const first = updateUser(deps, ada, ada.user.id, { adminRole: 'NONE' });
      const second = updateUser(deps, { user: bea }, bea.id, { adminRole: 'NONE' });

      await Promise.all([first, expectCode('LAST_GLOBAL_ADMIN', second)]);
      expect(adminCount()).toBe(1);
      expect([...p.identity.users.values()].filter((u) => u.adminRole === 'GLOBAL_ADMIN')).toHaveLength(1);
    });

    it('refuses a change based on roles that changed meanwhile (CONFLICT)', async () => {
      // Both read the user before either writes; the second's roles are stale when it writes.
      const first = updateUser(deps, ada, hugo.user.id, { agentRole: 'ADMIN_AGENT' });
      const second = updateUser(deps, ada, hugo.user.id, { adminRole: 'USER_MANAGEMENT_ADMIN' });

      await Promise.all([first, expectCode('CONFLICT', second)]);

      expect(p.identity.users.get(hugo.user.id)).toMatchObject({
        agentRole: 'ADMIN_AGENT',
        adminRole: 'NONE',
      });
      // Re-read and retried, it applies.
      await updateUser(deps, ada, hugo.user.id, { adminRole: 'USER_MANAGEMENT_ADMIN' });
      expect(p.identity.users.get(hugo.user.id)?.adminRole).toBe('USER_MANAGEMENT_ADMIN');
    });
  });

  describe('deleteUser', () => {
    it('deletes the user, frees the email and deletes the identity', async () => {
      await deleteUser(deps, uma, hugo.user.id);

      expect(p.identity.users.has(hugo.user.id)).toBe(false);
      expect(p.identity.emailClaims.has('hugo@contoso.example')).toBe(false);
      expect(p.directory.accounts.has(hugo.user.id)).toBe(false);
      await expectCode('NOT_FOUND', deleteUser(deps, uma, hugo.user.id));
      expect((await addUser(deps, uma, newUser({ email: 'hugo@contoso.example' }))).user.id).not.toBe(
        hugo.user.id,
      );
    });

    it('refuses to delete the last global admin, and lets only a global admin delete one', async () => {
      const before = tableDump(p);

      await expectCode('FORBIDDEN', deleteUser(deps, uma, ada.user.id));
      await expectCode('LAST_GLOBAL_ADMIN', deleteUser(deps, ada, ada.user.id));

      expect(tableDump(p)).toEqual(before);
      expect(p.directory.accounts.has(ada.user.id)).toBe(true);

      const bea = (
        await addUser(deps, ada, newUser({ email: 'bea@contoso.example', adminRole: 'GLOBAL_ADMIN' }))
      ).user;
      await deleteUser(deps, { user: bea }, ada.user.id);
      expect(adminCount()).toBe(1);
    });

    it('is NOT_FOUND for another organization’s user', async () => {
      const { admin: fabrikamAdmin } = await addOrganization(p, 'fabrikam');

      await expectCode('NOT_FOUND', deleteUser(deps, ada, fabrikamAdmin.user.id));
      expect(p.identity.users.has(fabrikamAdmin.user.id)).toBe(true);
    });
  });

  describe('resetPassword', () => {
    it('sets a new temporary password in the identity provider and keeps its verifier', async () => {
      const { temporaryPassword } = await resetPassword(deps, uma, hugo.user.id);

      expect(p.directory.accounts.get(hugo.user.id)).toMatchObject({
        password: temporaryPassword,
        temporary: true,
      });
      const verifier = p.identity.users.get(hugo.user.id)?.temporaryPasswordVerifier ?? '';
      expect(matchesVerifier(temporaryPassword, verifier)).toBe(true);
      await expectCode('INVALID_CREDENTIALS', signIn(deps, hugo.user.email, passwordOf(hugo.user)));
      expect(await signIn(deps, hugo.user.email, temporaryPassword)).toMatchObject({
        challenge: 'NEW_PASSWORD_REQUIRED',
      });
    });

    it('resets a global admin’s password only for a global admin, and only within the organization', async () => {
      const { admin: fabrikamAdmin } = await addOrganization(p, 'fabrikam');
      const before = tableDump(p);

      await expectCode('FORBIDDEN', resetPassword(deps, uma, ada.user.id));
      await expectCode('NOT_FOUND', resetPassword(deps, ada, fabrikamAdmin.user.id));

      expect(tableDump(p)).toEqual(before);
      expect(p.directory.accounts.get(ada.user.id)?.password).toBe(passwordOf(ada.user));
    });
  });
});
