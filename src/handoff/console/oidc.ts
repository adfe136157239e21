import type * as Client from 'openid-client';
import type { OidcConfig } from '../../config';

/** The provider cannot be reached (discovery, keys or token endpoint): the caller answers 503. */
export class OidcUnavailable extends Error {}

/** The provider's answer cannot be accepted (refused, bad code, invalid ID token): the caller answers 400. */
export class OidcRefused extends Error {}

/** Who signed in, from the validated ID token. */
export interface OidcIdentity {
  /** Entra ID's object id (`oid`), or `sub` for a provider without `oid`: what accounts are matched by. */
  subject: string;
  /** A name to show in messages (`preferred_username`, `email` or `name`); never used to match. */
  displayName: string | undefined;
  /** The ID token's `roles` claim (Entra ID app roles). */
  roles: string[];
}

/** What the authorization request needs kept until the provider sends the browser back. */
export interface OidcStart {
  url: URL;
  state: string;
  nonce: string;
  codeVerifier: string;
}

const SCOPE = 'openid profile email';
const TIMEOUT_SECONDS = 10;

/**
 * OpenID Connect sign-in with openid-client (authorization code + PKCE S256, state and nonce):
 * the provider's metadata is discovered on first use and kept; a failed discovery is retried by
 * the next sign-in. openid-client validates the ID token (issuer, audience, signature, expiry,
 * nonce). Plain http is allowed only for a provider on this machine outside production
 * (config.allowHttpIssuer, decided by the configuration).
 */
export class OidcSignIn {
  private configuration: Promise<{ lib: typeof Client; config: Client.Configuration }> | undefined;

  constructor(private readonly settings: OidcConfig) {}

  /** Whether the issuer is Entra ID (the page then says "Sign in with Microsoft"). */
  get isEntraId(): boolean {
    return new URL(this.settings.issuer).hostname === 'login.microsoftonline.com';
  }

  private discover(): Promise<{ lib: typeof Client; config: Client.Configuration }> {
    this.configuration ??= (async () => {
      // openid-client is an ES module; the service is CommonJS.
      const lib = await import('openid-client');
      const options: Client.DiscoveryRequestOptions = { timeout: TIMEOUT_SECONDS, ...(this.settings.allowHttpIssuer ? { execute: [lib.allowInsecureRequests] } : {}) };
      const config = await lib.discovery(new URL(this.settings.issuer), this.settings.clientId, this.settings.clientSecret, undefined, options);
      return { lib, config };
    })().catch((err: unknown) => {
      this.configuration = undefined;
      throw new OidcUnavailable(`The sign-in provider at ${this.settings.issuer} cannot be reached or answered wrongly (${describe(err)}); try again in a minute.`);
    });
    return this.configuration;
  }

  /** The provider's authorization URL for a new sign-in, with what must be kept for the callback. */
  async start(): Promise<OidcStart> {
    const { lib, config } = await this.discover();
    const codeVerifier = lib.randomPKCECodeVerifier();
    const state = lib.randomState();
    const nonce = lib.randomNonce();
    const url = lib.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUri,
      scope: SCOPE,
      response_type: 'code',
      code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url, state, nonce, codeVerifier };
  }

  /**
   * Exchanges the code in the callback's query for tokens and returns who signed in. `query` is
   * the callback's query string; the URL is rebuilt from the configured redirect URI (not from the
   * request's Host header), so a proxy in front changes nothing.
   */
  async finish(query: string, expected: { state: string; nonce: string; codeVerifier: string }): Promise<OidcIdentity> {
    const { lib, config } = await this.discover();
    const current = new URL(`${this.settings.redirectUri}?${query}`);
    let claims: Client.IDToken | undefined;
    try {
      const tokens = await lib.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (err) {
      if (isNetworkError(err)) throw new OidcUnavailable(`The sign-in provider at ${this.settings.issuer} cannot be reached (${describe(err)}); try again in a minute.`);
      if (err instanceof lib.ResponseBodyError) throw new OidcRefused(`The provider did not accept the sign-in code (${err.error}${err.error_description ? `: ${err.error_description}` : ''}). Start again.`);
      if (err instanceof lib.AuthorizationResponseError) throw new OidcRefused(`The provider refused the sign-in (${err.error}${err.error_description ? `: ${err.error_description}` : ''}).`);
      if (err instanceof lib.ClientError) {
        const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
        throw new OidcRefused(`The provider's answer could not be accepted (${err.message}${cause}). Start again.`);
      }
      throw err;
    }
    if (!claims) throw new OidcRefused('The provider sent no ID token. Start again.');
    const subject = typeof claims.oid === 'string' && claims.oid !== '' ? claims.oid : claims.sub;
    const displayName = [claims.preferred_username, claims.email, claims.name].find((x): x is string => typeof x === 'string' && x !== '');
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    return { subject, displayName, roles };
  }

  /** The provider's sign-out address (end_session_endpoint), or undefined when it has none or cannot be reached. */
  async endSessionUrl(): Promise<string | undefined> {
    try {
      const { lib, config } = await this.discover();
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      return lib.buildEndSessionUrl(config, { client_id: this.settings.clientId, post_logout_redirect_uri: this.settings.postLogoutRedirectUri }).href;
    } catch {
      return undefined;
    }
  }
}

function isNetworkError(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | undefined;
  return e?.name === 'AbortError' || e?.name === 'TimeoutError' || (err instanceof TypeError && e?.message === 'fetch failed');
}

function describe(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } } | undefined;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return [e?.message ?? String(err), cause].filter(Boolean).join(': ').slice(0, 300);
}
