/**
 * `npm run caseworker:add -- --user NAME [--role admin]`: creates (or resets) a console account in
 * the service's Redis (REDIS_URL). The password is read from standard input (typed, or piped),
 * never from the command line, and never printed.
 * `--oidc-subject <object id>` instead makes an account that signs in with OpenID Connect (Entra ID)
 * only: no password is read or kept.
 * `--teams-aad-id <object id>` links a Teams user (their Entra ID object id) to the account, so they
 * can take and answer handoffs from the caseworkers' Teams channel; alone, it keeps an existing
 * account's sign-in as it is (no password is read) and makes a Teams-only account otherwise.
 */
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { type Config, loadConfig } from '../../config';
import { AccountError, Accounts, MIN_PASSWORD_LENGTH } from './accounts';
import { RedisConsoleStore, type Role } from './consoleStore';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(`Password (at least ${MIN_PASSWORD_LENGTH} characters): `);
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

async function main(): Promise<number> {
  const user = argument('user');
  const role = (argument('role') ?? 'caseworker') as Role;
  if (!user) {
    console.error('Usage: npm run caseworker:add -- --user NAME [--role admin] [--oidc-subject OBJECT_ID] [--teams-aad-id OBJECT_ID]   (the password is read from standard input; with --oidc-subject or --teams-aad-id alone there is none)');
    return 2;
  }
  if (role !== 'caseworker' && role !== 'admin') {
    console.error('--role must be caseworker or admin');
    return 2;
  }
  const config = loadConfig();
  if (!config.redisUrl) {
    console.error('REDIS_URL is not set: accounts live in the service\'s Redis. Set REDIS_URL to the Redis the service uses.');
    return 2;
  }
  const oidcSubject = argument('oidc-subject');
  const teamsAadId = argument('teams-aad-id');
  const linkTeams = async (accounts: Accounts): Promise<string> => {
    if (teamsAadId === undefined) return '';
    const linked = await accounts.linkTeams(user, teamsAadId, role);
    return ` Teams user ${linked.teamsAadId} acts as it in the caseworkers' channel.`;
  };
  if (oidcSubject !== undefined) {
    return withAccounts(config, async (accounts) => {
      const account = await accounts.addOidc(user, oidcSubject, role);
      return `Account "${user}" (${role}) saved; it signs in with OpenID Connect as subject ${account.oidcSubject} (no password).${await linkTeams(accounts)}`;
    });
  }
  if (teamsAadId !== undefined) return withAccounts(config, async (accounts) => `Account "${user}" saved.${await linkTeams(accounts)}`);
  const password = await readPassword();
  if (password.trim().length < MIN_PASSWORD_LENGTH) {
    console.error(`Refused: the password must have at least ${MIN_PASSWORD_LENGTH} characters (it was ${password.length === 0 ? 'empty' : 'too short'}).`);
    return 1;
  }
  return withAccounts(config, async (accounts) => {
    await accounts.add(user, password, role);
    return `Account "${user}" (${role}) saved. Sign in at /console.`;
  });
}

/** Opens the service's Redis, runs `save` on its accounts, reports what it did (or why not) and closes the connection. */
async function withAccounts(config: Config, save: (accounts: Accounts) => Promise<string>): Promise<number> {
  const client = new Redis(config.redisUrl!, { maxRetriesPerRequest: 1, connectTimeout: 5000 });
  try {
    console.error(await save(new Accounts(new RedisConsoleStore(client, config.redisKeyPrefix))));
    return 0;
  } catch (err) {
    console.error(err instanceof AccountError ? `Refused: ${err.message}` : `Could not save the account: ${(err as Error).message}`);
    return 1;
  } finally {
    client.disconnect();
  }
}

main().then((code) => process.exit(code));
