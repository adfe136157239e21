import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fold } from '../../src/nlu/fold';
import { buildCluProject } from '../../src/nlu/cluExport';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';
import { evaluate, loadDevSet } from '../../src/nlu/evaluation';
import { INTENTS } from '../../src/nlu/intents';
import { NLU_LANGUAGES } from '../../src/nlu/languages';
import { allPhrases, loadPhraseBank } from '../../src/nlu/phrases';

const ROOT = join(__dirname, '..', '..');

function run(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'nlu', 'tools', 'recognize.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CLU_ENDPOINT: '', CLU_KEY: '', CLU_PROJECT: '', CLU_DEPLOYMENT: '', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run recognize', () => {
  it('prints one JSON line with intent, score, language and safety for --text', () => {
    const r = run(['--text', 'jeg søger arbejde', '--locale', 'da']);
    expect(r.status).to.equal(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).to.have.length(1);
    const out = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(out).to.include({ intent: 'topic.work', language: 'da', safety: null });
    expect(out.score).to.be.a('number');
  });

  it('prints one line per input line of --file, in order, with the safety category where raised', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recognize-'));
    const file = join(dir, 'in.jsonl');
    writeFileSync(file, ['{"text":"٢"}', '{"text":"my husband hits me","locale":"en"}', 'not json', '{"text":"хочу додому","locale":"uk"}', ''].join('\n'));
    const r = run(['--file', file]);
    expect(r.status).to.equal(0);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).to.have.length(4);
    expect(out[0]).to.deep.include({ intent: 'none', safety: null, entities: { number: 2 } });
    expect(out[1]).to.include({ safety: 'emergency.violence', language: 'en' });
    expect(out[2]).to.have.property('error');
    expect(out[3]).to.include({ intent: 'topic.return_home', language: 'uk' });
  });

  it('explains its usage on bad arguments', () => {
    const r = run(['--txt', 'x']);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/usage:/);
  });
});

describe('clu:export', () => {
  it('builds a multilingual CLU import file with every intent and every example phrase with its language', () => {
    const bank = loadPhraseBank();
    const file = buildCluProject(bank, 'tonder');
    expect(file.metadata).to.include({ projectKind: 'Conversation', projectName: 'tonder', multilingual: true });
    expect(file.assets.intents.map((i) => i.category)).to.have.length(INTENTS.length).and.include('None').and.include('topic.work.igu');
    expect(file.assets.utterances).to.have.length(allPhrases(bank).length);
    expect(new Set(file.assets.utterances.map((u) => u.language))).to.have.length(NLU_LANGUAGES.length);
    expect(file.assets.utterances.every((u) => u.dataset === 'Train' && u.text.length > 0)).to.equal(true);
  });

  it('writes <project>.json (deploy/clu/ unless --out says otherwise)', () => {
    const out = mkdtempSync(join(tmpdir(), 'clu-export-'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'nlu', 'tools', 'cluExport.ts'), '--project', 'contract-test-export', '--out', out], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const written = JSON.parse(readFileSync(join(out, 'contract-test-export.json'), 'utf8')) as { metadata: { projectName: string } };
    expect(written.metadata.projectName).to.equal('contract-test-export');
  });
});

describe('development set (test/nlu-dev)', () => {
  const bank = loadPhraseBank();
  const dev = loadDevSet();

  it('has at least 15 phrases per intent and language, kept apart from the training phrases', () => {
    const training = new Set(allPhrases(bank).map((p) => fold(p.text)));
    for (const lng of NLU_LANGUAGES) {
      for (const intent of INTENTS) {
        const count = dev.filter((c) => c.locale === lng && c.intent === intent && c.number === undefined).length;
        expect(count, `${lng} ${intent}`).to.be.at.least(15);
      }
    }
    const shared = dev.filter((c) => c.number === undefined && training.has(fold(c.text)) && fold(c.text).split(' ').length > 1);
    expect(shared.map((c) => `${c.locale}: ${c.text}`)).to.deep.equal([]);
  });

  it('meets the targets: top-1 ≥ 90 % overall, ≥ 80 % in every language, language identification ≥ 95 %', () => {
    const report = evaluate(new EmbeddedRecognizer(bank), dev);
    expect(report.overall.correct / report.overall.total).to.be.at.least(0.9);
    for (const [lng, t] of Object.entries(report.byLanguage)) expect(t.correct / t.total, lng).to.be.at.least(0.8);
    expect(report.languageId.correct / report.languageId.total).to.be.at.least(0.95);
  });
});

describe('locale metadata', () => {
  it('names every language in its own script, with rtl for Arabic, Farsi and Pashto and a review status', () => {
    for (const lng of NLU_LANGUAGES) {
      const meta = JSON.parse(readFileSync(join(ROOT, 'locales', lng, 'meta.json'), 'utf8')) as { name: string; dir: string; review: { status: string } };
      expect(meta.name, lng).to.be.a('string').and.not.empty;
      expect(meta.dir, lng).to.equal(['ar', 'fa', 'ps'].includes(lng) ? 'rtl' : 'ltr');
      expect(['source', 'machine', 'reviewed'], lng).to.include(meta.review.status);
    }
  });
});
