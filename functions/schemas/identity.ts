import * as z from 'zod';
import { isCountryCode } from '../domain/countries.ts';
import { passwordProblems } from '../domain/passwords.ts';
import { ADMIN_ROLES, AGENT_ROLES } from '../domain/roles.ts';

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address' }))
  .meta({ example: 'admin@contoso.com' });

export const Country = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isCountryCode, { message: 'must be an ISO 3166-1 alpha-2 country code, e.g. "US" or "ES"' })
  .meta({ example: 'ES' });

export const DomainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    message: 'must be a domain name such as contoso.com',
  })
  .meta({ example: 'contoso.com' });

export const Password = z.string().superRefine((value, ctx) => {
  for (const problem of passwordProblems(value))
    ctx.addIssue({ code: 'custom', message: `password ${problem}` });
});

const Name = z.string().trim().min(1, { message: 'is required' }).max(100);

export const AgentRole = z.enum(AGENT_ROLES);
export const AdminRole = z.enum(ADMIN_ROLES);

export const OrganizationInput = z.object({
  name: Name.max(200),
  domain: DomainName,
  country: Country,
});

export const CreateAccountBody = z
  .object({
    organization: OrganizationInput,
    admin: z.object({ firstName: Name, lastName: Name, email: Email, password: Password }),
  })
  .meta({ id: 'CreateAccountRequest' });

export const CreateAccountResult = z
  .object({ organizationId: z.string(), userId: z.string(), status: z.literal('PENDING_EMAIL_VERIFICATION') })
  .meta({ id: 'CreateAccountResult' });

export const TokenQuery = z.object({ token: z.string().min(1).max(200) });
export const TokenBody = z.object({ token: z.string().min(1, { message: 'is required' }).max(200) });
export const VerifiedResult = z.object({ status: z.literal('VERIFIED') });

export const SignInBody = z
  .object({ email: Email, password: z.string().min(1).max(256) })
  .meta({ id: 'SignInRequest' });
export const Tokens = z
  .object({
    accessToken: z.string(),
    idToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int(),
    tokenType: z.literal('Bearer'),
  })
  .meta({ id: 'Tokens' });
export const SignInResult = z
  .union([Tokens, z.object({ challenge: z.literal('NEW_PASSWORD_REQUIRED'), session: z.string() })])
  .meta({ id: 'SignInResult' });
export const NewPasswordBody = z.object({ email: Email, session: z.string().min(1), newPassword: Password });
export const RefreshBody = z.object({ refreshToken: z.string().min(1) });

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    agentRole: AgentRole,
    adminRole: AdminRole,
    status: z.enum(['ACTIVE', 'PENDING_EMAIL_VERIFICATION', 'MUST_CHANGE_PASSWORD']),
  })
  .meta({ id: 'User' });

export const PartnerType = z.enum(['RESELLER', 'INDIRECT_PROVIDER']);
export const Organization = z
  .object({
    id: z.string(),
    name: z.string(),
    domain: z.string(),
    country: z.string(),
    partnerTypes: z.array(PartnerType),
  })
  .meta({ id: 'Organization' });

export const Me = z
  .object({ user: User.omit({ status: true }), organization: Organization })
  .meta({ id: 'Me' });

const rolesNotBothNone = (v: { agentRole?: string; adminRole?: string }) =>
  v.agentRole !== 'NONE' || v.adminRole !== 'NONE';

export const CreateUserBody = z
  .object({ firstName: Name, lastName: Name, email: Email, agentRole: AgentRole, adminRole: AdminRole })
  .refine(rolesNotBothNone, {
    message: 'a user needs at least one role: agentRole and adminRole cannot both be NONE',
    path: ['adminRole'],
  })
  .meta({ id: 'CreateUserRequest' });

export const UpdateUserBody = z
  .object({
    firstName: Name.optional(),
    lastName: Name.optional(),
    agentRole: AgentRole.optional(),
    adminRole: AdminRole.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, {
    message: 'send at least one of firstName, lastName, agentRole, adminRole',
  })
  .meta({ id: 'UpdateUserRequest' });

export const UserIdParams = z.object({ id: z.string().min(1).max(100) });
export const CreatedUser = z
  .object({ user: User, temporaryPassword: z.string() })
  .meta({ id: 'CreatedUser' });
export const TemporaryPassword = z.object({ temporaryPassword: z.string() });

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2000).optional(),
});
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().optional() });

export const CreateProviderBody = z
  .object({
    organization: OrganizationInput,
    admin: z.object({ firstName: Name, lastName: Name, email: Email }),
  })
  .meta({ id: 'CreateIndirectProviderRequest' });
export const CreatedProvider = z.object({
  organizationId: z.string(),
  userId: z.string(),
  temporaryPassword: z.string(),
});
