/**
 * `npm run caseworker:add -- --user NAME [--role admin]`: creates (or resets) a console account in
 * the service's Redis (REDIS_URL). The password is read from standard input (typed, or piped),
 * never from the command line, and never printed.
 * `--oidc-subject <object id>` instead makes an account that signs in with OpenID Connect (Entra ID)
 * only: no password is read or kept.
 */
import { createInterface } from 'node:readline';
import Redis from 'ioredis';
import { loadConfig } from '../../config';
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
    console.error('Usage: npm run caseworker:add -- --user NAME [--role admin] [--oidc-subject OBJECT_ID]   (the password is read from standard input; with --oidc-subject there is none)');
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
  if (oidcSubject !== undefined) return saveOidcAccount(config, user, oidcSubject, role);
  const password = await readPassword();
  if (password.trim().length < MIN_PASSWORD_LENGTH) {
    console.error(`Refused: the password must have at least ${MIN_PASSWORD_LENGTH} characters (it was ${password.length === 0 ? 'empty' : 'too short'}).`);
    return 1;
  }
  const client = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 5000 });
  try {
    await new Accounts(new RedisConsoleStore(client, config.redisKeyPrefix)).add(user, password, role);
    console.error(`Account "${user}" (${role}) saved. Sign in at /console.`);
    return 0;
  } catch (err) {
    console.error(err instanceof AccountError ? `Refused: ${err.message}` : `Could not save the account: ${(err as Error).message}`);
    return 1;
  } finally {
    client.disconnect();
  }
}

/** An account that signs in through OpenID Connect only, matched by the ID token's `oid` (or `sub`) claim. */
async function saveOidcAccount(config: ReturnType<typeof loadConfig>, user: string, subject: string, role: Role): Promise<number> {
  const client = new Redis(config.redisUrl!, { maxRetriesPerRequest: 1, connectTimeout: 5000 });
  try {
    const account = await new Accounts(new RedisConsoleStore(client, config.redisKeyPrefix)).addOidc(user, subject, role);
    console.error(`Account "${user}" (${role}) saved; it signs in with OpenID Connect as subject ${account.oidcSubject} (no password).`);
    return 0;
  } catch (err) {
    console.error(err instanceof AccountError ? `Refused: ${err.message}` : `Could not save the account: ${(err as Error).message}`);
    return 1;
  } finally {
    client.disconnect();
  }
}

main().then((code) => process.exit(code));
