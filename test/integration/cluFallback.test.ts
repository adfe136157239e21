import { expect } from 'chai';
import type { App } from '../../src/app';
import { loadConfig } from '../../src/config';
import { CluRecognizer } from '../../src/nlu/cluRecognizer';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';
import { createRecognizer } from '../../src/nlu/index';
import { startApp } from '../support/botServer';
import { startFakeClu, type FakeClu } from '../support/fakeClu';

describe('Azure CLU recogniser: request shape, timeout and fallback (real SDK client, local CLU service)', () => {
  const embedded = new EmbeddedRecognizer();
  let clu: FakeClu;
  let app: App;
  let url: string;
  let recognizer: CluRecognizer;

  before(async () => {
    clu = await startFakeClu({ key: 'secret-key', classifier: embedded });
    ({ app, url } = await startApp());
    const config = loadConfig({ CLU_ENDPOINT: clu.endpoint, CLU_KEY: 'secret-key', CLU_PROJECT: 'tonder', CLU_DEPLOYMENT: 'prod', CLU_TIMEOUT_MS: '1500' }); // generous: a loaded CI machine's first SDK call must not time out
    recognizer = createRecognizer(config, app.metrics, embedded) as CluRecognizer;
  });
  after(async () => {
    await clu.close();
    await app.stop();
  });
  beforeEach(() => {
    clu.mode = 'answer';
    clu.requests.length = 0;
  });

  async function fallbacks(): Promise<string> {
    const text = await (await fetch(`${url}/metrics`)).text();
    return text.split('\n').filter((l) => l.startsWith('nlu_clu_fallbacks_total{')).join('\n');
  }

  it('posts the conversation task to /language/:analyze-conversations with the key, project and deployment', async () => {
    const r = await recognizer.recognize('hvornår starter danskundervisningen', 'da');
    expect(r.intent).to.equal('topic.work.language_school');
    expect(clu.requests).to.have.length(1);
    const [req] = clu.requests;
    expect(req.path).to.equal('/language/:analyze-conversations');
    expect(req.apiVersion).to.match(/^\d{4}-\d{2}-\d{2}/);
    expect(req.key).to.equal('secret-key');
    expect(req.body.kind).to.equal('Conversation');
    expect(req.body.analysisInput?.conversationItem).to.include({ text: 'hvornår starter danskundervisningen', language: 'da' });
    expect(req.body.parameters).to.include({ projectName: 'tonder', deploymentName: 'prod' });
    expect(await fallbacks()).to.equal('');
  });

  it('answers with the embedded recogniser when CLU does not answer in time, and counts it in /metrics', async () => {
    clu.mode = 'hang';
    const r = await recognizer.recognize('jeg vil gerne hjem til syrien', 'da');
    expect(r).to.deep.equal(await embedded.recognize('jeg vil gerne hjem til syrien', 'da'));
    expect(clu.requests).to.have.length(1);
    expect(await fallbacks()).to.contain('nlu_clu_fallbacks_total{reason="timeout"} 1');
  });

  it('answers with the embedded recogniser when CLU fails with 500, without retrying', async () => {
    clu.mode = 'error500';
    const r = await recognizer.recognize('где записаться в школу', 'ru');
    expect(r.intent).to.equal((await embedded.recognize('где записаться в школу', 'ru')).intent);
    expect(clu.requests).to.have.length(1);
    expect(await fallbacks()).to.contain('nlu_clu_fallbacks_total{reason="error"} 1');
  });

  it('falls back when the key is refused (401)', async () => {
    const config = loadConfig({ CLU_ENDPOINT: clu.endpoint, CLU_KEY: 'wrong', CLU_PROJECT: 'tonder', CLU_DEPLOYMENT: 'prod' });
    const refused = createRecognizer(config, app.metrics, embedded);
    expect((await refused.recognize('stop', 'en')).intent).to.equal('cmd.stop');
    expect(await fallbacks()).to.contain('nlu_clu_fallbacks_total{reason="error"} 2');
  });

  it('reads numbers itself, without asking CLU', async () => {
    expect((await recognizer.recognize('٣', 'ar')).entities).to.deep.equal({ number: 3 });
    expect(clu.requests).to.have.length(0);
  });
});

describe('CLU configuration', () => {
  it('is off without CLU_* and needs all four together', () => {
    expect(loadConfig({}).clu).to.equal(undefined);
    expect(() => loadConfig({ CLU_ENDPOINT: 'https://x.cognitiveservices.azure.com' })).to.throw(/CLU_KEY must be set/);
    expect(() => loadConfig({ CLU_ENDPOINT: 'https://x.cognitiveservices.azure.com', CLU_KEY: 'k', CLU_PROJECT: 'p' })).to.throw(/CLU_DEPLOYMENT/);
  });

  it('validates the endpoint and the timeout', () => {
    const base = { CLU_KEY: 'k', CLU_PROJECT: 'p', CLU_DEPLOYMENT: 'd' };
    expect(() => loadConfig({ ...base, CLU_ENDPOINT: 'not a url' })).to.throw(/CLU_ENDPOINT must be an http/);
    expect(() => loadConfig({ ...base, CLU_ENDPOINT: 'http://example.com' })).to.throw(/CLU_ENDPOINT must be an https/);
    expect(() => loadConfig({ ...base, CLU_ENDPOINT: 'https://x.example', CLU_TIMEOUT_MS: 'soon' })).to.throw(/CLU_TIMEOUT_MS/);
    expect(loadConfig({ ...base, CLU_ENDPOINT: 'https://x.example/' }).clu).to.deep.equal({ endpoint: 'https://x.example', key: 'k', project: 'p', deployment: 'd', timeoutMs: 1500 });
  });
});
