import { DomainError, type ErrorCode } from '../errors.ts';

interface Problem {
  status: number;
  title: string;
  /** Sent when the error carries no detail of its own. */
  detail?: string;
}

const conflict = (detail?: string): Problem => ({
  status: 409,
  title: 'Conflict',
  ...(detail ? { detail } : {}),
});
const rule: Problem = { status: 422, title: 'Business rule violated' };

/**
 * Every error code's HTTP status and title (RFC 9457 problem+json). Typed over all codes: a
 * code a context adds without a line here does not compile.
 */
export const PROBLEMS: { readonly [C in ErrorCode]: Problem } = {
  VALIDATION_FAILED: {
    status: 400,
    title: 'Validation failed',
    detail: 'Some fields are missing or invalid; correct the fields listed in errors and retry.',
  },
  MALFORMED_BODY: {
    status: 400,
    title: 'Malformed request body',
    detail: 'The request body is not valid JSON; send a JSON object with Content-Type: application/json.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported media type',
    detail: 'Send the body as application/json (or application/x-www-form-urlencoded from the HTML pages).',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    title: 'Payload too large',
    detail: 'The request body is too large; send only the fields the operation takes.',
  },
  UNAUTHENTICATED: {
    status: 401,
    title: 'Unauthenticated',
    detail: 'Sign in with POST /auth/sign-in and send the access token as "Authorization: Bearer <token>".',
  },
  FORBIDDEN: {
    status: 403,
    title: 'Forbidden',
    detail:
      'Your roles do not allow this operation; ask a global admin of your organization for the role it needs.',
  },
  NOT_FOUND: { status: 404, title: 'Not found', detail: 'Nothing was found at this address; check the id.' },
  CONFLICT: conflict('The data changed meanwhile; reload and retry.'),
  PRECONDITION_REQUIRED: {
    status: 428,
    title: 'Precondition required',
    detail: 'Send If-Match with the etag of your last read of this resource.',
  },
  PRECONDITION_FAILED: {
    status: 412,
    title: 'Precondition failed',
    detail: 'The resource changed since your last read; read it again and retry with its new etag.',
  },
  RATE_LIMITED: { status: 429, title: 'Too many requests', detail: 'Too many requests; retry later.' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency key reused',
    detail:
      'This Idempotency-Key was already used with a different request body. Use a new key for a new request.',
  },
  IDEMPOTENCY_IN_PROGRESS: conflict(
    'A request with this Idempotency-Key is still being processed; retry in a moment.',
  ),
  LINK_INVALID: {
    status: 404,
    title: 'Link not valid',
    detail: 'This link is not valid. Check that you copied the whole link, or ask for a new one.',
  },
  LINK_EXPIRED: { status: 410, title: 'Link expired', detail: 'This link has expired. Ask for a new one.' },
  LINK_USED: conflict('This link has already been used. Sign in to continue.'),
  INVALID_CREDENTIALS: {
    status: 401,
    title: 'Invalid credentials',
    detail:
      'The email or password is not right, or the account is not verified yet. Check them, or follow the verification link we emailed you.',
  },
  WEBMAIL_NOT_ALLOWED: rule,
  EMAIL_DOMAIN_MISMATCH: rule,
  DOMAIN_TAKEN: conflict(),
  EMAIL_TAKEN: conflict(),
  LAST_GLOBAL_ADMIN: conflict(
    'This is the last global admin of the organization. Make another user a global admin first.',
  ),
  COUNTRY_MISMATCH: rule,
  MPN_NOT_FOUND: rule,
  MPN_INACTIVE: rule,
  MPN_COUNTRY_MISMATCH: rule,
  MPN_ALREADY_LINKED: conflict(),
  ALREADY_ENROLLED: conflict(
    'Your organization is already an indirect reseller or has an enrollment open. Check GET /enrollments/{id} for its status.',
  ),
  ENROLLMENT_NOT_IN_REVIEW: conflict(),
  ENROLLMENT_NOT_PENDING_VERIFICATION: conflict(),
  INVITATION_NOT_FOR_YOU: {
    status: 403,
    title: 'Invitation not for you',
    detail:
      "This invitation is addressed to another organization. Sign in as a global admin of the organization whose domain the invitation's email is on.",
  },
  AUTHORIZATION_NOT_CONFIRMED: {
    status: 400,
    title: 'Authorization not confirmed',
    detail: 'Tick the box (send "authorize": true) to confirm what accepting grants, then accept again.',
  },
  NOT_A_RESELLER: {
    ...rule,
    detail:
      'Only an indirect reseller can do this, and accept an indirect provider’s invitation. Enroll as an indirect reseller first (POST /enrollments).',
  },
  NOT_AN_INDIRECT_PROVIDER: {
    ...rule,
    detail: 'Only an indirect provider can invite resellers. Platform operators create indirect providers.',
  },
  INVITATION_NOT_PENDING: conflict(),
  ALREADY_CONNECTED: conflict('The two organizations already have this relationship; nothing to accept.'),
  INVITATION_TO_OWN_ORGANIZATION: {
    ...rule,
    detail: 'That address is on your own organization’s domain; invite another organization.',
  },
  RESELLER_OF_RECORD_REQUIRED: {
    ...rule,
    detail: 'Several resellers share this customer with you: name the reseller of record in resellerId.',
  },
  OFFER_NOT_FOUND: {
    ...rule,
    detail: 'An order line names no offer of the catalog; list them with GET /offers.',
  },
  OFFER_NOT_AVAILABLE: {
    ...rule,
    detail:
      'An offer is not for sale, or not in the customer’s country; GET /offers?country= lists those that are.',
  },
  QUANTITY_OUT_OF_RANGE: {
    ...rule,
    detail: 'A quantity is outside the offer’s minQuantity and maxQuantity.',
  },
  TERM_NOT_SUPPORTED: {
    ...rule,
    detail: 'A term duration or billing cycle is not one the offer is sold with.',
  },
  SUBSCRIPTION_NOT_ACTIVE: conflict('Only an active subscription can be changed this way.'),
  SUBSCRIPTION_NOT_SUSPENDED: conflict('Only a suspended subscription can be reactivated.'),
  QUANTITY_DECREASE_NOT_ALLOWED: conflict(
    'The quantity can be lowered only within 7 days of the term’s start (cancellationAllowedUntil).',
  ),
  LICENSES_IN_USE: conflict('More licenses are assigned than the quantity asked; remove assignments first.'),
  AUTO_EXTEND_NOT_ALLOWED: {
    ...rule,
    detail: 'A relationship with GLOBAL_ADMINISTRATOR cannot extend itself; send autoExtend: false.',
  },
  DISPLAY_NAME_TAKEN: conflict(
    'A pending or active relationship with this customer has that name; choose another.',
  ),
  NOT_FOR_YOUR_ORGANIZATION: {
    status: 403,
    title: 'Not for your organization',
    detail: 'This request is for another organization; sign in as a global admin of the customer it names.',
  },
  RELATIONSHIP_NOT_ACTIVE: conflict('Only an active admin relationship can be terminated.'),
  ADMIN_RELATIONSHIP_REQUIRED: {
    status: 403,
    title: 'Admin relationship required',
    detail: 'This needs an active admin relationship with the customer holding the right role.',
  },
  USER_NOT_DELETED: conflict('The user is active; only a deleted user can be restored.'),
  RESTORE_WINDOW_CLOSED: {
    status: 410,
    title: 'Restore window closed',
    detail: 'A deleted user can be restored for 30 days; create the user again instead.',
  },
  USER_INACTIVE: conflict('The user is deleted; restore the user before assigning licenses.'),
  LICENSES_EXHAUSTED: conflict(
    'Every license of the subscription is assigned; remove an assignment or raise the quantity first.',
  ),
  ACTIVE_SUBSCRIPTIONS: conflict(
    'Active or suspended subscriptions still bind this relationship (listed in errors); cancel them or let them expire first.',
  ),
  CANCELLATION_WINDOW_CLOSED: conflict(
    'A subscription can be canceled only within 7 days of the term’s start (cancellationAllowedUntil).',
  ),
  COUNTRY_IMMUTABLE: {
    ...rule,
    detail:
      'The country of the legal address is the country your organization was created in and cannot change; keep it, or contact support.',
  },
  TICKET_CLOSED: conflict('The ticket is closed; open a new ticket for anything more.'),
  INVALID_TRANSITION: conflict(
    'The lead cannot move to that status from its current one (NEW → ACTIVE or DECLINED; ACTIVE → WON or LOST); read it again.',
  ),
};

/** What a DomainError answers: its code's status and title, its own detail or the code's standard one, and its headers. */
export function problemOf(error: DomainError) {
  const problem = PROBLEMS[error.code];
  return {
    status: problem.status,
    title: problem.title,
    detail: error.detail ?? problem.detail ?? problem.title,
    headers:
      error.retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(error.retryAfterSeconds) },
  };
}

/** The problem+json body of a DomainError; `requestId` lets support find the logs. */
export function problemBody(error: DomainError, requestId: string) {
  const { status, title, detail } = problemOf(error);
  return {
    type: `https://errors.csp-partner-platform.dev/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    code: error.code,
    detail,
    ...(error.errors ? { errors: error.errors } : {}),
    requestId,
  };
}

/** The whole HTTP response of a DomainError (a 429 carries Retry-After). */
export function problemResponse(error: DomainError, requestId: string) {
  const { status, headers } = problemOf(error);
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
    body: JSON.stringify(problemBody(error, requestId)),
  };
}

/** A body above `limitBytes` (the functions' own limit, or API Gateway's). */
export const payloadTooLarge = (limitBytes: number) =>
  new DomainError(
    'PAYLOAD_TOO_LARGE',
    `The request body is larger than ${limitBytes / 1024} KiB; send only the fields the operation takes.`,
  );

export function internalProblemBody(requestId: string) {
  return {
    type: 'https://errors.csp-partner-platform.dev/internal-error',
    title: 'Internal error',
    status: 500,
    code: 'INTERNAL_ERROR',
    detail: `Something went wrong on our side. Retry later; if it persists, contact support with request id ${requestId}.`,
    requestId,
  };
}
