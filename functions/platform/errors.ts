/**
 * The errors every layer throws: a `DomainError` with a stable code and a detail that tells a
 * person what to do. Codes are grouped by the context that owns them; the HTTP layer maps each
 * to its status and title in one table (functions/platform/http/problems.ts), typed over all of
 * them, so a code without a status does not compile. The domain never sees a status.
 */
export const ERROR_CODES = {
  platform: [
    'VALIDATION_FAILED',
    'MALFORMED_BODY',
    'UNSUPPORTED_MEDIA_TYPE',
    'PAYLOAD_TOO_LARGE',
    'UNAUTHENTICATED',
    'FORBIDDEN',
    'NOT_FOUND',
    'CONFLICT',
    'PRECONDITION_REQUIRED',
    'PRECONDITION_FAILED',
    'RATE_LIMITED',
    'IDEMPOTENCY_KEY_REUSED',
    'IDEMPOTENCY_IN_PROGRESS',
    'LINK_INVALID',
    'LINK_EXPIRED',
    'LINK_USED',
  ],
  identity: [
    'INVALID_CREDENTIALS',
    'WEBMAIL_NOT_ALLOWED',
    'EMAIL_DOMAIN_MISMATCH',
    'DOMAIN_TAKEN',
    'EMAIL_TAKEN',
    'LAST_GLOBAL_ADMIN',
  ],
  enrollment: [
    'COUNTRY_MISMATCH',
    'MPN_NOT_FOUND',
    'MPN_INACTIVE',
    'MPN_COUNTRY_MISMATCH',
    'MPN_ALREADY_LINKED',
    'ALREADY_ENROLLED',
    'ENROLLMENT_NOT_IN_REVIEW',
    'ENROLLMENT_NOT_PENDING_VERIFICATION',
  ],
  relationships: [
    'INVITATION_NOT_FOR_YOU',
    'AUTHORIZATION_NOT_CONFIRMED',
    'NOT_A_RESELLER',
    'NOT_AN_INDIRECT_PROVIDER',
    'INVITATION_NOT_PENDING',
    'ALREADY_CONNECTED',
    'INVITATION_TO_OWN_ORGANIZATION',
  ],
  commerce: [
    'RESELLER_OF_RECORD_REQUIRED',
    'OFFER_NOT_FOUND',
    'OFFER_NOT_AVAILABLE',
    'QUANTITY_OUT_OF_RANGE',
    'TERM_NOT_SUPPORTED',
    'SUBSCRIPTION_NOT_ACTIVE',
    'SUBSCRIPTION_NOT_SUSPENDED',
    'QUANTITY_DECREASE_NOT_ALLOWED',
    'LICENSES_IN_USE',
    'CANCELLATION_WINDOW_CLOSED',
  ],
  onBehalf: [
    'AUTO_EXTEND_NOT_ALLOWED',
    'DISPLAY_NAME_TAKEN',
    'NOT_FOR_YOUR_ORGANIZATION',
    'RELATIONSHIP_NOT_ACTIVE',
    'ADMIN_RELATIONSHIP_REQUIRED',
    'USER_NOT_DELETED',
    'RESTORE_WINDOW_CLOSED',
    'USER_INACTIVE',
    'LICENSES_EXHAUSTED',
    'ACTIVE_SUBSCRIPTIONS',
  ],
  support: ['COUNTRY_IMMUTABLE', 'TICKET_CLOSED', 'INVALID_TRANSITION'],
} as const;

export type PlatformCode = (typeof ERROR_CODES.platform)[number];
export type IdentityCode = (typeof ERROR_CODES.identity)[number];
export type EnrollmentCode = (typeof ERROR_CODES.enrollment)[number];
export type RelationshipsCode = (typeof ERROR_CODES.relationships)[number];
export type CommerceCode = (typeof ERROR_CODES.commerce)[number];
export type OnBehalfCode = (typeof ERROR_CODES.onBehalf)[number];
export type SupportCode = (typeof ERROR_CODES.support)[number];
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES][number];

/** One invalid field of a request: where (`body.email`, `query.cursor`) and what is wrong. */
export interface FieldError {
  path: string;
  message: string;
}

export interface DomainErrorDetails {
  /** The fields at fault (`VALIDATION_FAILED`). */
  errors?: FieldError[];
  /** When to try again (`RATE_LIMITED`): becomes the `Retry-After` header. */
  retryAfterSeconds?: number;
}

export class DomainError<C extends ErrorCode = ErrorCode> extends Error {
  readonly errors?: FieldError[];
  readonly retryAfterSeconds?: number;
  /**
   * @param detail what a person should do; without one, the code's standard detail is sent.
   */
  constructor(
    readonly code: C,
    readonly detail?: string,
    details: DomainErrorDetails = {},
  ) {
    super(detail ?? code);
    this.name = 'DomainError';
    if (details.errors) this.errors = details.errors;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** Whether `error` is a DomainError (with `code`, when given). */
export const isDomainError = <C extends ErrorCode>(error: unknown, code?: C): error is DomainError<C> =>
  error instanceof DomainError && (code === undefined || error.code === code);
