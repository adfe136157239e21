import { expect } from 'chai';
import type { App } from '../../src/app';
import { startApp } from '../support/botServer';

/** Direct Line turns the service counted (bot_turns_total, channel directline). */
async function directLineTurns(app: App): Promise<number> {
  const metric = (await app.metrics.registry.getMetricsAsJSON()).find((m) => m.name === 'bot_turns_total');
  return (metric?.values ?? []).filter((v) => v.labels.channel === 'directline').reduce((n, v) => n + Number(v.value), 0);
}

describe('Warm-up before listening (WARMUP_TURNS)', function () {
  this.timeout(60_000);
  let app: App | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('has run whole Direct Line turns in every language by the time it listens', async () => {
    ({ app } = await startApp({ WARMUP_TURNS: '3', ENABLED_LOCALES: 'da,en,ar' }));
    // per language: the start (welcome) and 3 posts
    expect(await directLineTurns(app)).to.equal(3 * 4);
  });

  it('runs none with WARMUP_TURNS=0', async () => {
    ({ app } = await startApp({ WARMUP_TURNS: '0' }));
    expect(await directLineTurns(app)).to.equal(0);
  });
});
