/**
 * Typed errors carried to the client as `application/problem+json` (RFC 9457).
 * `code` is stable and machine-readable; `detail` tells a person what to do.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class ProblemError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationFailedError extends ProblemError {
  constructor(
    errors: FieldError[],
    detail = 'Some fields are missing or invalid; correct the fields listed in errors and retry.',
  ) {
    super(400, 'VALIDATION_FAILED', 'Validation failed', detail, errors);
  }
}

export class MalformedBodyError extends ProblemError {
  constructor() {
    super(
      400,
      'MALFORMED_BODY',
      'Malformed request body',
      'The request body is not valid JSON; send a JSON object with Content-Type: application/json.',
    );
  }
}

export class UnsupportedMediaTypeError extends ProblemError {
  constructor() {
    super(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported media type',
      'Send the body as application/json (or application/x-www-form-urlencoded from the HTML pages).',
    );
  }
}

export class PayloadTooLargeError extends ProblemError {
  constructor(limitBytes: number) {
    super(
      413,
      'PAYLOAD_TOO_LARGE',
      'Payload too large',
      `The request body is larger than ${limitBytes / 1024} KiB; send only the fields the operation takes.`,
    );
  }
}

export class UnauthenticatedError extends ProblemError {
  constructor(
    detail = 'Sign in with POST /auth/sign-in and send the access token as "Authorization: Bearer <token>".',
  ) {
    super(401, 'UNAUTHENTICATED', 'Unauthenticated', detail);
  }
}

export class ForbiddenError extends ProblemError {
  constructor(
    detail = 'Your roles do not allow this operation; ask a global admin of your organization for the role it needs.',
  ) {
    super(403, 'FORBIDDEN', 'Forbidden', detail);
  }
}

export class NotFoundError extends ProblemError {
  constructor(detail = 'Nothing was found at this address; check the id.') {
    super(404, 'NOT_FOUND', 'Not found', detail);
  }
}

export class ConflictError extends ProblemError {
  constructor(code: string, detail: string) {
    super(409, code, 'Conflict', detail);
  }
}

export class BusinessRuleError extends ProblemError {
  constructor(code: string, detail: string) {
    super(422, code, 'Business rule violated', detail);
  }
}

export class RateLimitedError extends ProblemError {
  constructor(detail: string, retryAfterSeconds?: number) {
    super(
      429,
      'RATE_LIMITED',
      'Too many requests',
      detail,
      undefined,
      retryAfterSeconds ? { 'Retry-After': String(retryAfterSeconds) } : undefined,
    );
  }
}

/** The same Idempotency-Key came with another request body (both Idempotency-Key mechanisms answer this). */
export class IdempotencyKeyReusedError extends ProblemError {
  constructor() {
    super(
      422,
      'IDEMPOTENCY_KEY_REUSED',
      'Idempotency key reused',
      'This Idempotency-Key was already used with a different request body. Use a new key for a new request.',
    );
  }
}

/** The first request with this Idempotency-Key has not finished (or not finished cleaning up). */
export class IdempotencyInProgressError extends ConflictError {
  constructor() {
    super(
      'IDEMPOTENCY_IN_PROGRESS',
      'A request with this Idempotency-Key is still being processed; retry in a moment.',
    );
  }
}

/** The body of a problem response; `requestId` lets support find the logs. */
export function problemBody(error: ProblemError, requestId: string) {
  return {
    type: `https://errors.csp-partner-platform.dev/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: error.title,
    status: error.statusCode,
    code: error.code,
    detail: error.detail,
    ...(error.errors ? { errors: error.errors } : {}),
    requestId,
  };
}

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
