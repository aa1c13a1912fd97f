import type { AuthResult, Directory } from '../../../functions/identity/ports.ts';

interface Account {
  email: string;
  password: string;
  /** Set by an admin: signing in answers the NEW_PASSWORD_REQUIRED challenge. */
  temporary: boolean;
  /** A disabled user (soft delete) cannot sign in or refresh. */
  disabled?: boolean;
}

/** Cognito's errors by name, as the adapter tells them apart. */
const cognitoError = (name: string, message: string) => Object.assign(new Error(message), { name });

/**
 * The identity provider in memory, answering like the Cognito adapter: wrong credentials,
 * unknown users and stale sessions or refresh tokens are all `invalid`; usernames are unique.
 */
export class FakeDirectory implements Directory {
  readonly accounts = new Map<string, Account>();
  /** Every sign-in attempt's username, in order. */
  readonly signIns: string[] = [];
  private readonly sessions = new Map<string, string>();
  private readonly refreshTokens = new Map<string, string>();
  private readonly failures = new Map<keyof Directory, Error>();
  private issued = 0;

  /** The next call of `method` throws (an identity provider outage). */
  failNext(method: keyof Directory, error = new Error(`${method}: the identity provider is unavailable`)) {
    this.failures.set(method, error);
  }

  private outage(method: keyof Directory) {
    const failure = this.failures.get(method);
    this.failures.delete(method);
    if (failure) throw failure;
  }

  /** New access and id tokens; a new refresh token too, except when refreshing (Cognito renews none). */
  private tokens(username: string, renewRefreshToken = true): AuthResult {
    const n = ++this.issued;
    const refreshToken = renewRefreshToken ? `refresh-${n}` : '';
    if (renewRefreshToken) this.refreshTokens.set(refreshToken, username);
    return {
      kind: 'tokens',
      accessToken: `access-${username}-${n}`,
      idToken: `id-${username}-${n}`,
      refreshToken,
      expiresIn: 3600,
    };
  }

  async createUser(username: string, email: string, password: string, temporary: boolean) {
    this.outage('createUser');
    if (this.accounts.has(username))
      throw cognitoError('UsernameExistsException', 'User account already exists');
    this.accounts.set(username, { email, password, temporary });
  }

  async setPassword(username: string, password: string, temporary: boolean) {
    this.outage('setPassword');
    const account = this.accounts.get(username);
    if (!account) throw cognitoError('UserNotFoundException', 'User does not exist.');
    this.accounts.set(username, { ...account, password, temporary });
  }

  async deleteUser(username: string) {
    this.outage('deleteUser');
    // The adapter ignores UserNotFoundException: deleting is idempotent.
    this.accounts.delete(username);
  }

  async disableUser(username: string) {
    this.outage('disableUser');
    const account = this.accounts.get(username);
    if (!account) throw cognitoError('UserNotFoundException', 'User does not exist.');
    this.accounts.set(username, { ...account, disabled: true });
  }

  async enableUser(username: string) {
    this.outage('enableUser');
    const account = this.accounts.get(username);
    if (!account) throw cognitoError('UserNotFoundException', 'User does not exist.');
    this.accounts.set(username, { ...account, disabled: false });
  }

  async signIn(username: string, password: string): Promise<AuthResult> {
    this.outage('signIn');
    this.signIns.push(username);
    const account = this.accounts.get(username);
    if (!account || account.disabled || account.password !== password) return { kind: 'invalid' };
    if (!account.temporary) return this.tokens(username);
    const session = `session-${++this.issued}`;
    this.sessions.set(session, username);
    return { kind: 'challenge', session };
  }

  async completeNewPassword(username: string, session: string, newPassword: string): Promise<AuthResult> {
    this.outage('completeNewPassword');
    const account = this.accounts.get(username);
    if (!account || this.sessions.get(session) !== username) return { kind: 'invalid' };
    this.sessions.delete(session);
    this.accounts.set(username, { ...account, password: newPassword, temporary: false });
    return this.tokens(username);
  }

  /** Cognito's REFRESH_TOKEN_AUTH: new access and id tokens, no new refresh token. */
  async refresh(refreshToken: string): Promise<AuthResult> {
    this.outage('refresh');
    const username = this.refreshTokens.get(refreshToken);
    if (username === undefined || !this.accounts.has(username) || this.accounts.get(username)?.disabled)
      return { kind: 'invalid' };
    return this.tokens(username, false);
  }
}
