import * as z from 'zod/mini';
import { ADMIN_ROLES, AGENT_ROLES } from '../platform/roles.ts';
import { Country, Email } from '../platform/schemas.ts';
import { passwordProblems } from './domain/passwords.ts';

export const DomainName = z
  .string()
  .check(
    z.trim(),
    z.toLowerCase(),
    z.regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
      message: 'must be a domain name such as contoso.com',
    }),
  )
  .register(z.globalRegistry, { example: 'contoso.com' });

export const Password = z.string().check(
  z.superRefine((value, ctx) => {
    for (const problem of passwordProblems(value))
      ctx.addIssue({ code: 'custom', message: `password ${problem}` });
  }),
);

const Name = z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(100));

export const AgentRole = z.enum(AGENT_ROLES);
export const AdminRole = z.enum(ADMIN_ROLES);

export const OrganizationInput = z.object({
  name: Name.check(z.maxLength(200)),
  domain: DomainName,
  country: Country,
});

export const CreateAccountBody = z
  .object({
    organization: OrganizationInput,
    admin: z.object({ firstName: Name, lastName: Name, email: Email, password: Password }),
  })
  .register(z.globalRegistry, { id: 'CreateAccountRequest' });

export const CreateAccountResult = z
  .object({ organizationId: z.string(), userId: z.string(), status: z.literal('PENDING_EMAIL_VERIFICATION') })
  .register(z.globalRegistry, { id: 'CreateAccountResult' });

export const VerifiedResult = z.object({ status: z.literal('VERIFIED') });

export const SignInBody = z
  .object({ email: Email, password: z.string().check(z.minLength(1), z.maxLength(256)) })
  .register(z.globalRegistry, { id: 'SignInRequest' });
export const Tokens = z
  .object({
    accessToken: z.string(),
    idToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.int(),
    tokenType: z.literal('Bearer'),
  })
  .register(z.globalRegistry, { id: 'Tokens' });
export const SignInResult = z
  .union([Tokens, z.object({ challenge: z.literal('NEW_PASSWORD_REQUIRED'), session: z.string() })])
  .register(z.globalRegistry, { id: 'SignInResult' });
export const NewPasswordBody = z.object({
  email: Email,
  session: z.string().check(z.minLength(1)),
  newPassword: Password,
});
export const RefreshBody = z.object({ refreshToken: z.string().check(z.minLength(1)) });

export const User = z
  .object({
    id: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    agentRole: AgentRole,
    adminRole: AdminRole,
    status: z.enum(['ACTIVE', 'PENDING_EMAIL_VERIFICATION', 'MUST_CHANGE_PASSWORD', 'INACTIVE']),
  })
  .register(z.globalRegistry, { id: 'User' });

export const PartnerType = z.enum(['RESELLER', 'INDIRECT_PROVIDER']);
export const Organization = z
  .object({
    id: z.string(),
    name: z.string(),
    domain: z.string(),
    country: z.string(),
    partnerTypes: z.array(PartnerType),
  })
  .register(z.globalRegistry, { id: 'Organization' });

export const Me = z
  .object({ user: z.omit(User, { status: true }), organization: Organization })
  .register(z.globalRegistry, { id: 'Me' });

const rolesNotBothNone = (v: { agentRole?: string; adminRole?: string }) =>
  v.agentRole !== 'NONE' || v.adminRole !== 'NONE';

export const CreateUserBody = z
  .object({ firstName: Name, lastName: Name, email: Email, agentRole: AgentRole, adminRole: AdminRole })
  .check(
    z.refine(rolesNotBothNone, {
      message: 'a user needs at least one role: agentRole and adminRole cannot both be NONE',
      path: ['adminRole'],
    }),
  )
  .register(z.globalRegistry, { id: 'CreateUserRequest' });

export const UpdateUserBody = z
  .object({
    firstName: z.optional(Name),
    lastName: z.optional(Name),
    agentRole: z.optional(AgentRole),
    adminRole: z.optional(AdminRole),
  })
  .check(
    z.refine((v) => Object.keys(v).length > 0, {
      message: 'send at least one of firstName, lastName, agentRole, adminRole',
    }),
  )
  .register(z.globalRegistry, { id: 'UpdateUserRequest' });

export const UserIdParams = z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) });
export const CreatedUser = z
  .object({ user: User, temporaryPassword: z.string() })
  .register(z.globalRegistry, { id: 'CreatedUser' });
export const TemporaryPassword = z.object({ temporaryPassword: z.string() });

export const CreateProviderBody = z
  .object({
    organization: OrganizationInput,
    admin: z.object({ firstName: Name, lastName: Name, email: Email }),
  })
  .register(z.globalRegistry, { id: 'CreateIndirectProviderRequest' });
export const CreatedProvider = z.object({
  organizationId: z.string(),
  userId: z.string(),
  temporaryPassword: z.string(),
});
