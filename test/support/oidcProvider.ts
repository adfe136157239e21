import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { freePort } from './freePort';

/** A person the test provider signs in: the login name typed at its form selects one. */
export interface ProviderUser {
  /** Entra ID's object id claim; omitted: the console falls back to `sub` (the login name). */
  oid?: string;
  email?: string;
  roles?: string[];
}

export interface TestProvider {
  issuer: string;
  port: number;
  stop(): Promise<void>;
}

interface ProviderLike {
  callback(): (req: unknown, res: unknown) => void;
  Grant: new (init: { clientId: string; accountId: string }) => { addOIDCScope(scope: string): void; save(): Promise<string> };
}
interface ProviderContext {
  oidc: { client: { clientId: string }; session: { accountId: string }; provider: ProviderLike };
}

/**
 * A real OpenID Connect provider (panva's oidc-provider, the certified server) on 127.0.0.1, over
 * plain http on a free port (or the given one), with one confidential client for the console.
 * Its development login form accepts any login name and password; the name selects the claims
 * from `users` (unknown names sign in too, with `sub` only). Consent is granted without asking.
 * ID tokens carry `oid`, `email`, `preferred_username` and `roles` like Entra ID's.
 */
export async function startOidcProvider(options: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  users: Record<string, ProviderUser>;
  port?: number;
}): Promise<TestProvider> {
  // ES module with no types of its own; the tests are CommonJS.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Provider = (require('oidc-provider') as { default: new (issuer: string, config: object) => ProviderLike }).default;
  const port = options.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    pkce: { required: () => true },
    // Its own signing key and lifetimes (the development defaults print warnings).
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256', use: 'sig' }] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    cookies: { keys: ['test-provider-cookie-key-0123456789abcdef'] },
    claims: { openid: ['sub', 'oid', 'roles'], email: ['email'], profile: ['preferred_username', 'name'] },
    // Scope claims in the ID token itself, as Entra ID sends them.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => {
        const user = options.users[sub] ?? {};
        return { sub, preferred_username: user.email ?? sub, name: sub, ...user };
      },
    }),
    loadExistingGrant: async (ctx: ProviderContext) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
  });
  const server: Server = createServer(provider.callback() as Parameters<typeof createServer>[0]);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    issuer,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
