import { Algorithm, hash, verify } from '@node-rs/argon2';
import type { Account, ConsoleStore, Role } from './consoleStore';

export const MIN_PASSWORD_LENGTH = 12;
const USER = /^[a-zA-Z0-9._@-]{2,64}$/;

/** A hash that no password matches, verified when the account does not exist (same time either way). */
let dummyHash: Promise<string> | undefined;

export class AccountError extends Error {}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A subject as stored: GUIDs (Entra ID object ids) in lower case, as Entra ID writes them; undefined when unusable. */
export function normalOidcSubject(subject: string): string | undefined {
  const s = subject.trim();
  if (!/^\S{1,255}$/.test(s)) return undefined;
  return GUID.test(s) ? s.toLowerCase() : s;
}

/** A Teams user's Entra ID object id as stored (lower case); undefined when it is not a GUID. */
export function normalTeamsAadId(aadId: string): string | undefined {
  const s = aadId.trim();
  return GUID.test(s) ? s.toLowerCase() : undefined;
}

/** Local caseworker accounts with argon2id password hashes. */
export class Accounts {
  constructor(private readonly store: ConsoleStore) {}

  /** Creates or replaces an account; refuses a bad user name or a short password. */
  async add(user: string, password: string, role: Role = 'caseworker'): Promise<Account> {
    if (!USER.test(user)) throw new AccountError('The user name must be 2 to 64 letters, digits or . _ @ -');
    if (password.trim().length < MIN_PASSWORD_LENGTH) throw new AccountError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters.`);
    const account: Account = { user, role, hash: await hash(password, { algorithm: Algorithm.Argon2id }), created: Date.now() };
    await this.store.putAccount(account);
    return account;
  }

  /**
   * Creates or replaces an account that signs in through OpenID Connect only (no password):
   * `subject` is Entra ID's object id (the `oid` claim), or `sub` for other providers.
   */
  async addOidc(user: string, subject: string, role: Role = 'caseworker'): Promise<Account> {
    if (!USER.test(user)) throw new AccountError('The user name must be 2 to 64 letters, digits or . _ @ -');
    const oidcSubject = normalOidcSubject(subject);
    if (!oidcSubject) throw new AccountError('The OpenID Connect subject must be 1 to 255 characters without spaces (for Entra ID: the user\'s object id, a GUID).');
    const account: Account = { user, role, hash: '', created: Date.now(), oidcSubject };
    await this.store.putAccount(account);
    return account;
  }

  /** The account that an OpenID Connect identity signs in as; undefined when none has that subject. */
  async findByOidcSubject(subject: string): Promise<Account | undefined> {
    const oidcSubject = normalOidcSubject(subject);
    return oidcSubject ? this.store.findAccountByOidcSubject(oidcSubject) : undefined;
  }

  /**
   * Links a Teams user (Entra ID object id, a GUID) to an account, so they can claim and answer
   * from a Teams card: an existing account keeps its password or OpenID Connect sign-in and role;
   * a new one gets neither (it acts from Teams only) and `role`.
   */
  async linkTeams(user: string, aadId: string, role: Role = 'caseworker'): Promise<Account> {
    if (!USER.test(user)) throw new AccountError('The user name must be 2 to 64 letters, digits or . _ @ -');
    const teamsAadId = normalTeamsAadId(aadId);
    if (!teamsAadId) throw new AccountError("The Teams user id must be the user's Entra ID object id, a GUID (Entra admin center → Users → the user → Object ID).");
    // A Teams user acts as one account: linked elsewhere before, that link goes.
    const before = await this.store.findAccountByTeamsAadId(teamsAadId);
    if (before && before.user !== user) await this.store.putAccount({ ...before, teamsAadId: undefined });
    const account: Account = (await this.store.getAccount(user)) ?? { user, role, hash: '', created: Date.now() };
    account.teamsAadId = teamsAadId;
    await this.store.putAccount(account);
    return account;
  }

  /** The account a Teams user acts as; undefined when no account is linked to them. */
  async findByTeamsAadId(aadId: string | undefined): Promise<Account | undefined> {
    const teamsAadId = aadId ? normalTeamsAadId(aadId) : undefined;
    return teamsAadId ? this.store.findAccountByTeamsAadId(teamsAadId) : undefined;
  }

  /** The account when the password is right; undefined otherwise (unknown user, wrong password, or an account without one). */
  async verify(user: string, password: string): Promise<Account | undefined> {
    const found = USER.test(user) ? await this.store.getAccount(user) : undefined;
    const account = found?.hash ? found : undefined;
    if (!account) {
      await verify((await (dummyHash ??= hash('no account has this password', { algorithm: Algorithm.Argon2id }))), password).catch(() => false);
      return undefined;
    }
    return (await verify(account.hash, password).catch(() => false)) ? account : undefined;
  }

  async exists(user: string): Promise<boolean> {
    return USER.test(user) && (await this.store.getAccount(user)) !== undefined;
  }
}
