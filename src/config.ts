/**
 * The service's configuration: read from the environment once, typed and validated.
 * An invalid value stops start-up with a message that names the variable and what it expects.
 */

import { availableLocales } from './i18n';

export type AppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface Config {
  port: number;
  host: string;
  /** Unset: embedded in-memory store (one process only). */
  redisUrl: string | undefined;
  /** Redis Cluster seed nodes (REDIS_CLUSTER_NODES); set: every part uses ioredis' Cluster client instead of REDIS_URL. */
  redisClusterNodes: string[] | undefined;
  redisKeyPrefix: string;
  /**
   * REDIS_URL is one Redis process (REDIS_ONE_NODE=true): no Cluster, no sharding proxy in front (an
   * Enterprise-clustered endpoint shards behind one URL). A turn's lock-and-read script then also reads
   * the user's state and the handoff record (keys of other slots), and its transcript append goes out
   * beside its commit (ordered by the one process). Off: every script keeps to one slot, as on a Cluster.
   */
  redisOneNode: boolean;
  /** How long a conversation's state is kept after its last turn. */
  stateTtlSeconds: number;
  /** How long one turn may hold a conversation's lock before another instance may take it. */
  turnLockTtlMs: number;
  /** How long a turn waits for a busy conversation before it gives up politely. */
  turnLockWaitMs: number;
  /** The turn lock's lease: the live holder renews it while the turn runs, so a dead holder's lock expires this long after its last renewal. */
  turnLockLeaseMs: number;
  /** A retried activity (same activity.id) within this window is applied once; 0: no de-duplication. */
  turnDedupSeconds: number;
  maxBodyBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logPretty: boolean;
  defaultLocale: string;
  enabledLocales: string[];
  /** The folder with the path files (default: dialogs/ in the project). */
  dialogsDir: string | undefined;
  /** The folder with the texts, one subfolder per language (default: locales/ in the project). */
  localesDir: string | undefined;
  /** How long SIGTERM waits for turns in flight before closing anyway. */
  shutdownGraceMs: number;
  /** Turns per language the service runs on itself before it listens (0: none), so no user meets a cold process. */
  warmUpTurns: number;
  /** Bot Framework credentials: all unset means local mode (Emulator, tests), no authentication. */
  microsoftApp: {
    appId: string | undefined;
    appPassword: string | undefined;
    appType: AppType;
    tenantId: string | undefined;
  };
  /** Web chat: the self-hosted Direct Line channel and, optionally, Azure's Direct Line. */
  directLine: DirectLineConfig;
  /** Azure CLU: when set, understands free text first, with the embedded recogniser as fallback. */
  clu: CluConfig | undefined;
  /** SMS (Azure's SMS channel and the self-hosted Twilio bridge): length, short links, hashing. */
  sms: SmsConfig;
  /** Caseworkers taking over: the queue, the console and its accounts. */
  handoff: HandoffConfig;
  /** Who may reach what: /api/messages in local mode, proxies, per-client limits. */
  protection: ProtectionConfig;
  /** Microsoft Teams as the caseworkers' second console. */
  teams: TeamsConfig;
}

export interface TeamsConfig {
  /**
   * The Teams channel (its id, `19:…@thread.tacv2`) where new handoffs are posted
   * (TEAMS_CASEWORKER_CHANNEL); unset: the General channel of the team the app is installed in.
   */
  caseworkerChannel: string | undefined;
  /**
   * The Entra ID tenant whose teams may become the caseworkers' channel (TEAMS_TENANT_ID, else
   * MicrosoftAppTenantId); unset: the tenant of the first team the app is installed in.
   */
  tenantId: string | undefined;
}

export interface ProtectionConfig {
  /** `on`: the route exists; `off`: it does not; `local`: it may run unauthenticated even in production. */
  apiMessages: 'on' | 'off' | 'local';
  /** Local mode: accept /api/messages from other machines and to non-loopback serviceUrls. */
  localModeAllowRemote: boolean;
  /** How many reverse proxies in front of the service are trusted to set X-Forwarded-For. */
  trustProxy: number;
  /** New conversations one client address may start per minute (all instances together). */
  newConversationsPerMinute: number;
  /** Tokens one client address may ask for per minute. */
  tokensPerMinute: number;
  /** Renewals of one conversation's token per minute. */
  tokenRenewalsPerMinute: number;
}

export interface SmsConfig {
  /** The service's public address (short links PUBLIC_URL/l/<code>, Twilio's webhook signature); unset: no short links. */
  publicUrl: string | undefined;
  /** The most SMS segments one reply may take before it continues with "more". */
  maxSegments: number;
  /** Keys phone numbers' hashes (never a number in clear in logs or keys); the same on every instance. */
  hashSecret: string | undefined;
  /** The self-hosted Twilio bridge (POST /api/sms); unset: off. */
  twilio: TwilioConfig | undefined;
}

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** The sending number (E.164), or undefined when a messaging service sends. */
  from: string | undefined;
  messagingServiceSid: string | undefined;
  /** Twilio's REST API base URL (tests point it at a local stand-in). */
  apiBase: string;
}

export interface HandoffConfig {
  /** After this long unclaimed, the user is told when someone will answer (HANDOFF_CLAIM_TIMEOUT_MINUTES). */
  claimTimeoutMs: number;
  /** How long the audit log of caseworker actions is kept (AUDIT_RETENTION_DAYS). */
  auditRetentionMs: number;
  /** A console session ends after this long without a request (CONSOLE_SESSION_IDLE_MINUTES). */
  sessionIdleMs: number;
  /** The service's public address (PUBLIC_URL); https makes the session cookie Secure. */
  publicUrl: string | undefined;
  /** Failed sign-ins allowed per account and per IP address in 15 minutes. */
  loginFailuresPerAccount: number;
  loginFailuresPerIp: number;
  /** OpenID Connect sign-in (Entra ID) for the console; unset: local accounts only. */
  oidc: OidcConfig | undefined;
  /** Whether the console also takes user name and password (CONSOLE_LOCAL_LOGIN; off only with OIDC). */
  localLogin: boolean;
}

export interface OidcConfig {
  /** The provider's issuer URL (OIDC_ISSUER); discovery is at <issuer>/.well-known/openid-configuration. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** <PUBLIC_URL>/console/api/oidc/callback: register it at the provider. */
  redirectUri: string;
  /** <PUBLIC_URL>/console: where the provider sends the browser after signing out. */
  postLogoutRedirectUri: string;
  /** An app role in the ID token's `roles` claim that makes the session admin (OIDC_ADMIN_ROLE); unset: the account's role. */
  adminRole: string | undefined;
  /** Plain http to a provider on this machine (127.0.0.1, localhost), never in production: local tests and development only. */
  allowHttpIssuer: boolean;
}

export interface CluConfig {
  endpoint: string;
  key: string;
  project: string;
  deployment: string;
  /** How long to wait for CLU before the embedded recogniser answers instead. */
  timeoutMs: number;
}

export interface DirectLineConfig {
  /** Signs self-hosted Direct Line tokens; unset: a random one per process (one instance only). */
  tokenSecret: string | undefined;
  /** Azure Bot Service's Direct Line secret: when set, the page's tokens come from Azure. */
  azureSecret: string | undefined;
  /** Azure's Direct Line base URL (without /v3/directline). */
  azureUrl: string;
  /** The serviceUrl the bot answers to; unset: this instance's own address. */
  serviceUrl: string | undefined;
  /** Activities one conversation may post per minute (self-hosted channel). */
  postsPerMinute: number;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, expected: string, got: string | undefined) {
    super(`${variable} must be ${expected}; got ${got === undefined ? 'nothing' : JSON.stringify(got)}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `a whole number from ${min} to ${max}`, raw);
  }
  return Number(raw);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const found = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (!found) throw new ConfigError(name, `one of ${allowed.join(', ')}`, raw);
  return found;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(name, 'true or false', raw);
}

const LOCALE = /^[a-z]{2,3}$/;

export function loadConfig(env: Env = process.env): Config {
  const redisUrl = text(env, 'REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError('REDIS_URL', 'a redis:// or rediss:// URL', redisUrl);
  }
  const clusterNodes = text(env, 'REDIS_CLUSTER_NODES')?.split(',').map((n) => n.trim()).filter((n) => n !== '');
  for (const node of clusterNodes ?? []) {
    if (!/^(rediss?:\/\/\S+|\[?[^\s/\]]+\]?:\d{1,5})$/.test(node)) throw new ConfigError('REDIS_CLUSTER_NODES', 'a comma-separated list of host:port (or redis:// / rediss:// URLs)', node);
  }
  if (clusterNodes?.length && redisUrl !== undefined) {
    throw new ConfigError('REDIS_URL', 'unset when REDIS_CLUSTER_NODES is set (one Redis for all state)', redisUrl);
  }
  const redisKeyPrefix = text(env, 'REDIS_KEY_PREFIX') ?? 'tib:';
  if (/[{}\s]/.test(redisKeyPrefix) || redisKeyPrefix.length > 64) {
    throw new ConfigError('REDIS_KEY_PREFIX', 'up to 64 characters without spaces or braces', redisKeyPrefix);
  }

  const localesDir = text(env, 'LOCALES_DIR');
  const enabledLocales = (text(env, 'ENABLED_LOCALES')?.split(',') ?? availableLocales(localesDir)).map((l) => l.trim().toLowerCase());
  if (enabledLocales.length === 0 || !enabledLocales.every((l) => LOCALE.test(l))) {
    throw new ConfigError('ENABLED_LOCALES', 'a comma-separated list of language codes such as da,en', env.ENABLED_LOCALES);
  }
  const defaultLocale = (text(env, 'DEFAULT_LOCALE') ?? enabledLocales[0]).toLowerCase();
  if (!enabledLocales.includes(defaultLocale)) {
    throw new ConfigError('DEFAULT_LOCALE', `one of ENABLED_LOCALES (${enabledLocales.join(', ')})`, defaultLocale);
  }

  const appId = text(env, 'MicrosoftAppId');
  const appPassword = text(env, 'MicrosoftAppPassword');
  const appType = oneOf(env, 'MicrosoftAppType', ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const, 'MultiTenant');
  const tenantId = text(env, 'MicrosoftAppTenantId');
  if (appId === undefined && (appPassword !== undefined || tenantId !== undefined)) {
    throw new ConfigError('MicrosoftAppId', 'set when MicrosoftAppPassword or MicrosoftAppTenantId is set', undefined);
  }
  if (appId !== undefined && appType !== 'UserAssignedMSI' && appPassword === undefined) {
    throw new ConfigError('MicrosoftAppPassword', `set when MicrosoftAppId is set and MicrosoftAppType is ${appType}`, undefined);
  }
  if (appType !== 'MultiTenant' && appId !== undefined && tenantId === undefined) {
    throw new ConfigError('MicrosoftAppTenantId', `set when MicrosoftAppType is ${appType}`, undefined);
  }

  const production = text(env, 'NODE_ENV') === 'production';
  return {
    port: integer(env, 'PORT', 3978, 0, 65535),
    host: text(env, 'HOST') ?? '0.0.0.0',
    redisUrl,
    redisClusterNodes: clusterNodes?.length ? clusterNodes : undefined,
    redisKeyPrefix,
    redisOneNode: bool(env, 'REDIS_ONE_NODE', false) && redisUrl !== undefined && !clusterNodes?.length,
    stateTtlSeconds: integer(env, 'STATE_TTL_DAYS', 30, 1, 3650) * 86400,
    turnLockTtlMs: integer(env, 'TURN_LOCK_TTL_MS', 30_000, 100, 600_000),
    turnLockWaitMs: integer(env, 'TURN_LOCK_WAIT_MS', 10_000, 0, 600_000),
    turnLockLeaseMs: integer(env, 'TURN_LOCK_LEASE_MS', 3000, 300, 600_000),
    turnDedupSeconds: integer(env, 'TURN_DEDUP_SECONDS', 300, 0, 86_400),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 262_144, 1024, 10_485_760),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    logPretty: bool(env, 'LOG_PRETTY', !production && process.stdout.isTTY === true),
    defaultLocale,
    enabledLocales,
    dialogsDir: text(env, 'DIALOGS_DIR'),
    localesDir,
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 300_000),
    warmUpTurns: integer(env, 'WARMUP_TURNS', 4, 0, 20),
    microsoftApp: { appId, appPassword, appType, tenantId },
    directLine: loadDirectLineConfig(env, production),
    clu: loadCluConfig(env),
    sms: loadSmsConfig(env),
    handoff: {
      claimTimeoutMs: integer(env, 'HANDOFF_CLAIM_TIMEOUT_MINUTES', 10, 1, 7 * 24 * 60) * 60_000,
      auditRetentionMs: integer(env, 'AUDIT_RETENTION_DAYS', 365, 1, 3650) * 86_400_000,
      sessionIdleMs: integer(env, 'CONSOLE_SESSION_IDLE_MINUTES', 30, 1, 24 * 60) * 60_000,
      publicUrl: httpUrl(env, 'PUBLIC_URL'),
      loginFailuresPerAccount: integer(env, 'CONSOLE_LOGIN_FAILURES_PER_ACCOUNT', 5, 1, 1000),
      loginFailuresPerIp: integer(env, 'CONSOLE_LOGIN_FAILURES_PER_IP', 20, 1, 10_000),
      ...loadConsoleSignInConfig(env, production),
    },
    protection: loadProtectionConfig(env, production, appId),
    teams: { caseworkerChannel: teamsChannelId(env, 'TEAMS_CASEWORKER_CHANNEL'), tenantId: guid(env, 'TEAMS_TENANT_ID') ?? tenantId?.toLowerCase() },
  };
}

/** A GUID (an Entra ID tenant or object id), in lower case. */
function guid(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)) throw new ConfigError(name, 'a GUID (Entra admin center → Overview → Tenant ID)', raw);
  return raw.toLowerCase();
}

/** A Teams channel id as Teams writes it (Teams → the channel → Get link to channel: the part after /channel/, URL-decoded). */
function teamsChannelId(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    // kept as written; the check below names it
  }
  if (!/^19:[^\s;/]+@thread\.(tacv2|skype)$/.test(id)) throw new ConfigError(name, 'a Teams channel id such as 19:abc…@thread.tacv2 (Teams: the channel\'s "Get link to channel", the part after /channel/)', raw);
  return id;
}

const OIDC_VARIABLES = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
const LOOPBACK_HTTP = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** How caseworkers sign in to the console: local accounts, OpenID Connect (all three OIDC_ variables), or both. */
function loadConsoleSignInConfig(env: Env, production: boolean): { oidc: OidcConfig | undefined; localLogin: boolean } {
  const localLogin = oneOf(env, 'CONSOLE_LOCAL_LOGIN', ['on', 'off'] as const, 'on') === 'on';
  const set = OIDC_VARIABLES.filter((name) => text(env, name) !== undefined);
  if (set.length === 0) {
    if (!localLogin) throw new ConfigError('CONSOLE_LOCAL_LOGIN', 'on unless OpenID Connect sign-in is configured (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET); otherwise nobody could sign in', 'off');
    return { oidc: undefined, localLogin };
  }
  const missing = OIDC_VARIABLES.filter((name) => text(env, name) === undefined);
  if (missing.length > 0) {
    throw new ConfigError(missing[0], `set when ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set: OpenID Connect sign-in needs all three of ${OIDC_VARIABLES.join(', ')} (missing: ${missing.join(', ')})`, undefined);
  }
  const issuer = text(env, 'OIDC_ISSUER')!.replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError('OIDC_ISSUER', 'an https:// URL (for Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0)', issuer);
  }
  const allowHttpIssuer = url.protocol === 'http:' && LOOPBACK_HTTP.test(issuer) && !production;
  if (url.protocol !== 'https:' && !allowHttpIssuer) {
    throw new ConfigError('OIDC_ISSUER', 'an https:// URL (plain http only for a provider on this machine, 127.0.0.1 or localhost, and never when NODE_ENV is production)', issuer);
  }
  if (url.hostname === 'login.microsoftonline.com') {
    const tenant = url.pathname.split('/')[1] ?? '';
    if (!/^\/[^/]+\/v2\.0$/.test(url.pathname) || ['common', 'organizations', 'consumers'].includes(tenant.toLowerCase())) {
      throw new ConfigError('OIDC_ISSUER', "Entra ID's issuer for your own tenant, https://login.microsoftonline.com/<tenant id>/v2.0 (not common, organizations or consumers: the console trusts one tenant)", issuer);
    }
  }
  const publicUrl = httpUrl(env, 'PUBLIC_URL');
  if (publicUrl === undefined) throw new ConfigError('PUBLIC_URL', "the console's public address when OIDC_ISSUER is set (the provider sends the browser back to <PUBLIC_URL>/console/api/oidc/callback)", undefined);
  if (production && !publicUrl.startsWith('https://')) throw new ConfigError('PUBLIC_URL', 'an https:// URL when NODE_ENV is production and OpenID Connect sign-in is on', publicUrl);
  return {
    localLogin,
    oidc: {
      issuer,
      clientId: text(env, 'OIDC_CLIENT_ID')!,
      clientSecret: text(env, 'OIDC_CLIENT_SECRET')!,
      redirectUri: `${publicUrl}/console/api/oidc/callback`,
      postLogoutRedirectUri: `${publicUrl}/console`,
      adminRole: text(env, 'OIDC_ADMIN_ROLE'),
      allowHttpIssuer,
    },
  };
}

function loadProtectionConfig(env: Env, production: boolean, appId: string | undefined): ProtectionConfig {
  const apiMessages = oneOf(env, 'API_MESSAGES', ['on', 'off', 'local'] as const, 'on');
  if (production && appId === undefined && apiMessages === 'on') {
    throw new ConfigError('MicrosoftAppId', 'set when NODE_ENV is production (or set API_MESSAGES=off to run without /api/messages, API_MESSAGES=local to accept it unauthenticated)', undefined);
  }
  return {
    apiMessages,
    localModeAllowRemote: bool(env, 'LOCAL_MODE_ALLOW_REMOTE', false),
    trustProxy: integer(env, 'TRUST_PROXY', 0, 0, 10),
    newConversationsPerMinute: integer(env, 'RATE_NEW_CONVERSATIONS_PER_MINUTE', 20, 1, 100_000),
    tokensPerMinute: integer(env, 'RATE_TOKENS_PER_MINUTE', 60, 1, 100_000),
    tokenRenewalsPerMinute: integer(env, 'RATE_TOKEN_RENEWALS_PER_MINUTE', 20, 1, 100_000),
  };
}

const TWILIO_VARIABLES = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'] as const;

function loadSmsConfig(env: Env): SmsConfig {
  const publicUrl = httpUrl(env, 'PUBLIC_URL');
  const hashSecret = text(env, 'SMS_HASH_SECRET');
  if (hashSecret !== undefined && hashSecret.length < 32) {
    throw new ConfigError('SMS_HASH_SECRET', 'at least 32 characters (for example: openssl rand -hex 32)', '(hidden)');
  }
  let twilio: TwilioConfig | undefined;
  const set = [...TWILIO_VARIABLES, 'TWILIO_FROM', 'TWILIO_MESSAGING_SERVICE_SID'].filter((name) => text(env, name) !== undefined);
  if (set.length > 0) {
    const missing = TWILIO_VARIABLES.find((name) => text(env, name) === undefined);
    if (missing) throw new ConfigError(missing, `set when ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set (the Twilio bridge needs it)`, undefined);
    const accountSid = text(env, 'TWILIO_ACCOUNT_SID')!;
    if (!/^AC[0-9a-zA-Z]{8,64}$/.test(accountSid)) throw new ConfigError('TWILIO_ACCOUNT_SID', 'an account SID starting with AC', accountSid);
    const from = text(env, 'TWILIO_FROM');
    const messagingServiceSid = text(env, 'TWILIO_MESSAGING_SERVICE_SID');
    if (from === undefined && messagingServiceSid === undefined) {
      throw new ConfigError('TWILIO_FROM', 'the sending number (E.164, e.g. +4512345678) when TWILIO_MESSAGING_SERVICE_SID is not set', undefined);
    }
    if (from !== undefined && !/^\+[1-9]\d{5,14}$|^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/.test(from)) {
      throw new ConfigError('TWILIO_FROM', 'a number in E.164 form such as +4512345678 (or an alphanumeric sender ID of up to 11 characters)', from);
    }
    if (messagingServiceSid !== undefined && !/^MG[0-9a-zA-Z]{8,64}$/.test(messagingServiceSid)) {
      throw new ConfigError('TWILIO_MESSAGING_SERVICE_SID', 'a messaging service SID starting with MG', messagingServiceSid);
    }
    if (publicUrl === undefined) throw new ConfigError('PUBLIC_URL', "the service's public https:// address (Twilio signs its webhook with it)", undefined);
    twilio = {
      accountSid,
      authToken: text(env, 'TWILIO_AUTH_TOKEN')!,
      from,
      messagingServiceSid,
      apiBase: httpUrl(env, 'TWILIO_API_BASE') ?? 'https://api.twilio.com',
    };
  }
  return { publicUrl, maxSegments: integer(env, 'SMS_MAX_SEGMENTS', 3, 1, 10), hashSecret, twilio };
}

const CLU_VARIABLES = ['CLU_ENDPOINT', 'CLU_KEY', 'CLU_PROJECT', 'CLU_DEPLOYMENT'] as const;

function loadCluConfig(env: Env): CluConfig | undefined {
  const set = CLU_VARIABLES.filter((name) => text(env, name) !== undefined);
  if (set.length === 0) return undefined;
  const missing = CLU_VARIABLES.find((name) => text(env, name) === undefined);
  if (missing) throw new ConfigError(missing, `set when ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set (Azure CLU needs all four)`, undefined);
  const endpoint = httpUrl(env, 'CLU_ENDPOINT')!;
  if (endpoint.startsWith('http://') && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(endpoint)) {
    throw new ConfigError('CLU_ENDPOINT', 'an https:// URL (plain http only on this machine: 127.0.0.1, localhost)', endpoint);
  }
  return {
    endpoint,
    key: text(env, 'CLU_KEY')!,
    project: text(env, 'CLU_PROJECT')!,
    deployment: text(env, 'CLU_DEPLOYMENT')!,
    timeoutMs: integer(env, 'CLU_TIMEOUT_MS', 1500, 50, 30_000),
  };
}

function httpUrl(env: Env, name: string): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(raw)) throw new ConfigError(name, 'an http:// or https:// URL', raw);
  return raw.replace(/\/+$/, '');
}

function loadDirectLineConfig(env: Env, production: boolean): DirectLineConfig {
  const tokenSecret = text(env, 'DIRECTLINE_TOKEN_SECRET');
  if (tokenSecret !== undefined && tokenSecret.length < 32) {
    throw new ConfigError('DIRECTLINE_TOKEN_SECRET', 'at least 32 characters (for example: openssl rand -hex 32)', '(hidden)');
  }
  if (tokenSecret === undefined && production) {
    throw new ConfigError('DIRECTLINE_TOKEN_SECRET', 'set when NODE_ENV is production, the same on every instance', undefined);
  }
  return {
    tokenSecret,
    azureSecret: text(env, 'DIRECTLINE_SECRET'),
    azureUrl: httpUrl(env, 'DIRECTLINE_AZURE_URL') ?? 'https://directline.botframework.com',
    serviceUrl: httpUrl(env, 'DIRECTLINE_SERVICE_URL'),
    postsPerMinute: integer(env, 'DIRECTLINE_POSTS_PER_MINUTE', 60, 1, 10_000),
  };
}

/** Local mode: no Bot Framework credentials, so requests are not authenticated (Emulator, tests). */
export function isLocalMode(config: Config): boolean {
  return config.microsoftApp.appId === undefined;
}
