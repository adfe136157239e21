import { Algorithm, hash, verify } from '@node-rs/argon2';
import type { Account, ConsoleStore, Role } from './consoleStore';

export const MIN_PASSWORD_LENGTH = 12;
const USER = /^[a-zA-Z0-9._@-]{2,64}$/;

/** A hash that no password matches, verified when the account does not exist (same time either way). */
let dummyHash: Promise<string> | undefined;

export class AccountError extends Error {}

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

  /** The account when the password is right; undefined otherwise (unknown user or wrong password). */
  async verify(user: string, password: string): Promise<Account | undefined> {
    const account = USER.test(user) ? await this.store.getAccount(user) : undefined;
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
