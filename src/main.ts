import { ConfigError, isLocalMode, loadConfig } from './config';
import { createApp } from './app';
import { usesRedis } from './infra/redis';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const app = createApp(config);
  const { log } = app;
  if (!usesRedis(config)) {
    log.warn('REDIS_URL is not set (nor REDIS_CLUSTER_NODES): using the embedded in-memory store (one instance only, state is lost on restart; not for production)');
  }
  if (isLocalMode(config) && config.protection.apiMessages !== 'off') {
    const who = config.protection.localModeAllowRemote ? 'from anywhere (LOCAL_MODE_ALLOW_REMOTE)' : 'from this machine only, with serviceUrls on this machine';
    log.info(`no MicrosoftAppId: local mode, /api/messages is not authenticated and accepts activities ${who} (Emulator, tests)`);
  }

  const port = await app.listen();
  log.info({ port, store: app.store.kind, locales: config.enabledLocales }, `web chat on http://localhost:${port}/ ; Bot Framework endpoint http://localhost:${port}/api/messages`);

  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    log.info({ signal }, 'shutting down: finishing turns in flight');
    app.stop().then(
      () => {
        log.info('stopped');
        log.flush();
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // A promise nobody awaited must not take every other conversation down with it.
  process.on('unhandledRejection', (reason) => {
    app.metrics.errors.inc({ where: 'unhandled' });
    log.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('Start-up failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
