import type { Permission } from './domain/permissions.ts';
import { Health, Session, z } from './schemas/common.ts';
import {
  DecisionBody,
  Enrollment,
  EnrollmentAccepted,
  EnrollmentBody,
  EnrollmentIdParams,
  InReviewResult,
  MpnParams,
  OperatorEnrollmentsQuery,
  PartnerNetworkBody,
  PartnerNetworkProfile,
} from './schemas/enrollment.ts';
import {
  CreateAccountBody,
  CreateAccountResult,
  CreatedProvider,
  CreatedUser,
  CreateProviderBody,
  CreateUserBody,
  ListQuery,
  listOf,
  Me,
  NewPasswordBody,
  RefreshBody,
  SignInBody,
  SignInResult,
  TemporaryPassword,
  TokenBody,
  Tokens,
  UpdateUserBody,
  User,
  UserIdParams,
  VerifiedResult,
} from './schemas/identity.ts';

/**
 * The one route table. The CDK stack makes one Lambda per entry and wires the
 * Cognito authorizer on every non-public route; the local gateway serves the same
 * entries. Nothing else lists routes.
 *
 * auth: `public` (anyone, incl. emailed links), `signed-in` (a verified Cognito
 * token), `operator` (a token in the operators group). `permission` is checked
 * against the caller's stored roles; a signed-in route without one is open to any
 * signed-in user, and tests walk the table to keep that deliberate.
 */
export type Auth = 'public' | 'signed-in' | 'operator';
export type Access = Permission | 'GLOBAL_ADMIN' | 'ANY_PARTNER_USER' | 'ANY_SIGNED_IN';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: Method;
  /** API Gateway style: `/users/{id}`. */
  path: string;
  /** Module under `functions/`, without extension; it exports `handler`. */
  handler: string;
  auth: Auth;
  /**
   * Required on `signed-in` routes (deny by default: without one the route answers 403):
   * a matrix permission, `GLOBAL_ADMIN` (a partner user holding that role), `ANY_PARTNER_USER`
   * (any user of a partner organization) or `ANY_SIGNED_IN` (operators too).
   */
  permission?: Access;
  summary: string;
  request?: { body?: z.ZodType; query?: z.ZodType; params?: z.ZodType };
  response: { status: number; schema?: z.ZodType; contentType?: 'application/json' | 'text/html' };
  /** Honors the Idempotency-Key header (creates whose response holds no secret). */
  idempotent?: true;
  /** Resources the function touches, so infra grants exactly these. */
  uses?: ReadonlyArray<'table' | 'mail' | 'userPool' | 'stateMachine'>;
}

const route = <R extends RouteSpec>(spec: R) => spec;

export const routes = {
  getHealth: route({
    method: 'GET',
    path: '/health',
    handler: 'api/get-health',
    auth: 'public',
    summary: 'Liveness check',
    response: { status: 200, schema: Health },
  }),
  getOpenApi: route({
    method: 'GET',
    path: '/openapi.json',
    handler: 'api/get-openapi',
    auth: 'public',
    summary: 'The OpenAPI document of this API, generated from the route table',
    response: { status: 200 },
  }),
  getSession: route({
    method: 'GET',
    path: '/auth/session',
    handler: 'api/get-session',
    auth: 'signed-in',
    permission: 'ANY_SIGNED_IN',
    summary: 'What the verified token says about the caller',
    response: { status: 200, schema: Session },
  }),

  // Work accounts and sign-in
  createAccount: route({
    method: 'POST',
    path: '/accounts',
    handler: 'api/create-account',
    auth: 'public',
    summary: 'Create a work account: an organization and its global admin; emails a verification link',
    request: { body: CreateAccountBody },
    response: { status: 201, schema: CreateAccountResult },
    idempotent: true,
    uses: ['table', 'mail', 'userPool'],
  }),
  showAccountVerification: route({
    method: 'GET',
    path: '/accounts/verify',
    handler: 'api/show-account-verification',
    auth: 'public',
    summary: 'The emailed verification link: a page with a Confirm button; changes nothing',
    request: { query: z.object({ token: z.string().max(200).optional() }) },
    response: { status: 200, contentType: 'text/html' },
    uses: ['table'],
  }),
  verifyAccount: route({
    method: 'POST',
    path: '/accounts/verify',
    handler: 'api/verify-account',
    auth: 'public',
    summary: 'Confirm the work account email with the token of the emailed link',
    request: { body: TokenBody },
    response: { status: 200, schema: VerifiedResult },
    uses: ['table'],
  }),
  signIn: route({
    method: 'POST',
    path: '/auth/sign-in',
    handler: 'api/sign-in',
    auth: 'public',
    summary: 'Sign in with email and password',
    request: { body: SignInBody },
    response: { status: 200, schema: SignInResult },
    uses: ['table', 'userPool'],
  }),
  newPassword: route({
    method: 'POST',
    path: '/auth/new-password',
    handler: 'api/new-password',
    auth: 'public',
    summary: 'Answer the NEW_PASSWORD_REQUIRED challenge of a first sign-in',
    request: { body: NewPasswordBody },
    response: { status: 200, schema: Tokens },
    uses: ['table', 'userPool'],
  }),
  refreshTokens: route({
    method: 'POST',
    path: '/auth/refresh',
    handler: 'api/refresh-tokens',
    auth: 'public',
    summary: 'New access and id tokens for a refresh token',
    request: { body: RefreshBody },
    response: { status: 200, schema: Tokens },
    uses: ['userPool'],
  }),
  getMe: route({
    method: 'GET',
    path: '/me',
    handler: 'api/get-me',
    auth: 'signed-in',
    permission: 'ANY_PARTNER_USER',
    summary: 'The signed-in user and their organization',
    response: { status: 200, schema: Me },
    uses: ['table'],
  }),

  // Partner users and roles
  listUsers: route({
    method: 'GET',
    path: '/users',
    handler: 'api/list-users',
    auth: 'signed-in',
    permission: 'users:manage',
    summary: "The organization's users",
    request: { query: ListQuery },
    response: { status: 200, schema: listOf(User) },
    uses: ['table'],
  }),
  createUser: route({
    method: 'POST',
    path: '/users',
    handler: 'api/create-user',
    auth: 'signed-in',
    permission: 'users:manage',
    summary: 'Add a user; the temporary password is in this response only',
    request: { body: CreateUserBody },
    response: { status: 201, schema: CreatedUser },
    uses: ['table', 'userPool'],
  }),
  getUser: route({
    method: 'GET',
    path: '/users/{id}',
    handler: 'api/get-user',
    auth: 'signed-in',
    permission: 'users:manage',
    summary: 'One user of the organization',
    request: { params: UserIdParams },
    response: { status: 200, schema: User },
    uses: ['table'],
  }),
  updateUser: route({
    method: 'PATCH',
    path: '/users/{id}',
    handler: 'api/update-user',
    auth: 'signed-in',
    permission: 'users:manage',
    summary: "Change a user's names or roles",
    request: { params: UserIdParams, body: UpdateUserBody },
    response: { status: 200, schema: User },
    uses: ['table'],
  }),
  deleteUser: route({
    method: 'DELETE',
    path: '/users/{id}',
    handler: 'api/delete-user',
    auth: 'signed-in',
    permission: 'users:manage',
    summary: 'Delete a user',
    request: { params: UserIdParams },
    response: { status: 204 },
    uses: ['table', 'userPool'],
  }),
  resetUserPassword: route({
    method: 'POST',
    path: '/users/{id}/reset-password',
    handler: 'api/reset-user-password',
    auth: 'signed-in',
    permission: 'users:manage',
    summary: 'Give a user a new temporary password, shown in this response only',
    request: { params: UserIdParams },
    response: { status: 200, schema: TemporaryPassword },
    uses: ['table', 'userPool'],
  }),

  // Enrollment as an indirect reseller
  submitEnrollment: route({
    method: 'POST',
    path: '/enrollments',
    handler: 'api/submit-enrollment',
    auth: 'signed-in',
    permission: 'GLOBAL_ADMIN',
    summary: 'Enroll the organization as an indirect reseller (global admins); starts the review',
    request: { body: EnrollmentBody },
    response: { status: 202, schema: EnrollmentAccepted },
    idempotent: true,
    uses: ['table', 'stateMachine'],
  }),
  getEnrollment: route({
    method: 'GET',
    path: '/enrollments/{id}',
    handler: 'api/get-enrollment',
    auth: 'signed-in',
    permission: 'ANY_PARTNER_USER',
    summary: "An enrollment of the caller's organization with its status history",
    request: { params: EnrollmentIdParams },
    response: { status: 200, schema: Enrollment },
    uses: ['table'],
  }),
  showEnrollmentVerification: route({
    method: 'GET',
    path: '/enrollments/verify',
    handler: 'api/show-enrollment-verification',
    auth: 'public',
    summary:
      "The primary contact's emailed link: a page naming the organization, with a Confirm button; changes nothing",
    request: { query: z.object({ token: z.string().max(200).optional() }) },
    response: { status: 200, contentType: 'text/html' },
    uses: ['table'],
  }),
  verifyEnrollment: route({
    method: 'POST',
    path: '/enrollments/verify',
    handler: 'api/verify-enrollment',
    auth: 'public',
    summary: "Confirm the primary contact's email; the enrollment goes into review",
    request: { body: TokenBody },
    response: { status: 200, schema: InReviewResult },
    uses: ['table', 'stateMachine'],
  }),
  resendEnrollmentVerification: route({
    method: 'POST',
    path: '/enrollments/{id}/verification-email',
    handler: 'api/resend-enrollment-verification',
    auth: 'signed-in',
    permission: 'GLOBAL_ADMIN',
    summary: 'Send a new verification link (global admins; the old link stops working; 3 a day)',
    request: { params: EnrollmentIdParams },
    response: { status: 202 },
    uses: ['table', 'mail'],
  }),
  listOperatorEnrollments: route({
    method: 'GET',
    path: '/operator/enrollments',
    handler: 'api/list-operator-enrollments',
    auth: 'operator',
    summary: 'Enrollments, optionally by status, oldest first',
    request: { query: OperatorEnrollmentsQuery },
    response: { status: 200, schema: listOf(Enrollment) },
    uses: ['table'],
  }),
  decideEnrollment: route({
    method: 'POST',
    path: '/operator/enrollments/{id}/decision',
    handler: 'api/decide-enrollment',
    auth: 'operator',
    summary: 'Approve or reject an enrollment in review (a reason is required to reject)',
    request: { params: EnrollmentIdParams, body: DecisionBody },
    response: { status: 202 },
    uses: ['table', 'stateMachine'],
  }),
  putPartnerNetworkProfile: route({
    method: 'PUT',
    path: '/operator/partner-network/{mpnId}',
    handler: 'api/put-partner-network-profile',
    auth: 'operator',
    summary: 'Create or update a partner network (MPN) organization profile',
    request: { params: MpnParams, body: PartnerNetworkBody },
    response: { status: 200, schema: PartnerNetworkProfile },
    uses: ['table'],
  }),

  // Operators
  createIndirectProvider: route({
    method: 'POST',
    path: '/operator/indirect-providers',
    handler: 'api/create-indirect-provider',
    auth: 'operator',
    summary: "Create an indirect provider's organization and global admin",
    request: { body: CreateProviderBody },
    response: { status: 201, schema: CreatedProvider },
    uses: ['table', 'userPool'],
  }),
} as const;

export type RouteId = keyof typeof routes;
export const routeList: ReadonlyArray<RouteSpec & { id: string }> = Object.entries(routes).map(([id, r]) => ({
  id,
  ...(r as RouteSpec),
}));
