import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { checkContent } from '../../src/paths/check';
import { isSpecial, loadGraph, targetsOf } from '../../src/paths/graph';
import { drawPaths } from '../../src/paths/diagram';
import { readLocaleFile } from '../../src/paths/texts';
import { ContentError, formatProblem, type Problem } from '../../src/paths/types';
import { FIXTURES, fixtureContent } from '../support/pathFixtures';

const TODAY = '2026-11-27';

/** The good fixture copied to a temporary folder, with `edit` applied to one of its files. */
function editedFixture(file: string, edit: (text: string) => string): { dialogsDir: string; localesDir: string } {
  const base = fixtureContent('good');
  const dialogsDir = mkdtempSync(join(tmpdir(), 'tib-dialogs-'));
  cpSync(base.dialogsDir, dialogsDir, { recursive: true });
  const target = file.startsWith('locales/') ? join(base.localesDir, file.slice('locales/'.length)) : join(dialogsDir, file);
  writeFileSync(target, edit(readFileSync(target, 'utf8')));
  return { dialogsDir, localesDir: base.localesDir };
}

function check(dirs: { dialogsDir: string; localesDir: string }, today = TODAY): Problem[] {
  return checkContent({ ...dirs, locales: ['da', 'en'], today }).problems;
}

function errors(problems: Problem[]): string[] {
  return problems.filter((p) => p.level === 'error').map(formatProblem);
}

describe('path content: loading and checking', () => {
  it('accepts the good fixture with no problem at all', () => {
    const fixture = fixtureContent('good');
    const result = checkContent({ dialogsDir: fixture.dialogsDir, localesDir: fixture.localesDir, locales: ['da', 'en'], today: TODAY });
    expect(result.problems.map(formatProblem)).to.deep.equal([]);
    expect(result.figures).to.include({ files: 5, nodes: 18, facts: 2, locales: 2 });
    const graph = loadGraph(fixture.dialogsDir);
    expect(graph.menuStart).to.equal('menu.main');
    expect(graph.welcomeStart).to.equal('welcome.start');
    expect(graph.contactStart).to.equal('contact.start');
  });

  it('stops start-up on broken YAML with the file and the line', () => {
    let thrown: unknown;
    try {
      loadGraph(join(FIXTURES, 'broken_yaml', 'dialogs'));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).to.be.instanceOf(ContentError);
    const error = thrown as ContentError;
    expect(error.problems).to.have.length(1, 'only the broken file, not the references into it');
    expect(error.problems[0]).to.include({ file: 'test/fixtures/paths/broken_yaml/dialogs/work.yaml', line: 10 });
    expect(error.message).to.contain('test/fixtures/paths/broken_yaml/dialogs/work.yaml:10').and.to.contain('is not valid YAML').and.to.contain('fix:');
  });

  it('names the line of a schema violation: an unknown field and a missing one', () => {
    const dirs = editedFixture('work.yaml', (t) => t.replace('    on: group\n', '    on: group\n    colour: red\n').replace('    reason: t.reason\n    goto: menu', '    goto: menu'));
    const found = errors(check(dirs));
    expect(found.some((e) => /work\.yaml:\d+ \(node work\.programme\).*field "colour"/.test(e)), found.join('\n')).to.equal(true);
    expect(found.some((e) => /\(node work\.help\).*lacks the field "reason"/.test(e)), found.join('\n')).to.equal(true);
    expect(() => loadGraph(dirs.dialogsDir)).to.throw(ContentError, /colour/);
  });

  it('reports a goto that leads nowhere, with the node and how to fix it', () => {
    const found = errors(check({ dialogsDir: join(FIXTURES, 'bad_refs', 'dialogs'), localesDir: fixtureContent('bad_refs').localesDir }));
    expect(found.some((e) => e.includes('work.yaml:56 (node work.dangling): goto leads to "work.nowhere", which is not a node') && e.includes('fix: Write the id of an existing node'))).to.equal(true, found.join('\n'));
    expect(() => loadGraph(join(FIXTURES, 'bad_refs', 'dialogs'))).to.throw(ContentError, /work\.nowhere/);
  });

  it('reports a node nobody can reach', () => {
    const found = errors(check({ dialogsDir: join(FIXTURES, 'bad_refs', 'dialogs'), localesDir: fixtureContent('bad_refs').localesDir }));
    expect(found.some((e) => e.includes('(node work.orphan): cannot be reached'))).to.equal(true, found.join('\n'));
  });

  it('reports a text missing in one enabled language only', () => {
    const found = errors(check({ dialogsDir: join(FIXTURES, 'bad_refs', 'dialogs'), localesDir: fixtureContent('bad_refs').localesDir }));
    const missing = found.filter((e) => e.includes('"t.internship_say"'));
    expect(missing).to.have.length(1);
    expect(missing[0]).to.match(/en[\\/]paths\.json does not have/).and.to.contain('fix: Add "t.internship_say"');
  });

  it('reports a fact past its validity date, and info without a source', () => {
    const found = errors(check({ dialogsDir: join(FIXTURES, 'bad_refs', 'dialogs'), localesDir: fixtureContent('bad_refs').localesDir }));
    expect(found.some((e) => e.includes('(node work.orphan): was valid until 2026-01-01'))).to.equal(true);
    expect(found.some((e) => e.includes('(node work.dangling): states a fact but has no source and checked'))).to.equal(true);
  });

  it('reports a loop of nodes that would never wait for the user', () => {
    const dirs = editedFixture('work.yaml', (t) => t.replace('    goto: work.help\n', '    goto: work.programme\n'));
    const found = errors(check(dirs));
    expect(found.some((e) => e.includes('starts a loop that never waits for the user'))).to.equal(true, found.join('\n'));
  });

  it('reports a button text over 20 characters, an unknown fact and a profile value of the wrong kind', () => {
    let dirs = editedFixture('locales/en/paths.json', (t) => t.replace('"Internship"', '"Internship at a company near you"').replace('Call us: {{main_phone}}', 'Call us: {{main_fone}}'));
    let found = errors(check(dirs));
    expect(found.some((e) => e.includes('button text "t.internship"') && e.includes('at most 20'))).to.equal(true, found.join('\n'));
    expect(found.some((e) => e.includes('{{main_fone}}'))).to.equal(true, found.join('\n'));
    dirs = editedFixture('school.yaml', (t) => t.replace('when: [true]', 'when: [yes_please]'));
    found = errors(check(dirs));
    expect(found.some((e) => e.includes('(node school.start)') && e.includes('true or false'))).to.equal(true, found.join('\n'));
  });

  it('warns when an info node written for some groups is reachable by another group', () => {
    const dirs = editedFixture('work.yaml', (t) => t.replace('  - id: work.internship\n    kind: info\n', '  - id: work.internship\n    kind: info\n    for: [ukraine]\n'));
    const warnings = check(dirs).filter((p) => p.level === 'warning').map(formatProblem);
    expect(warnings.filter((w) => w.includes('is for'))).to.deep.equal([
      warnings.find((w) => w.includes('(node work.internship): is for ukraine, but refugee, family_refugee, family_other, other can reach it too'))!,
    ]);
    expect(check(fixtureContent('good')).filter((p) => p.level === 'warning'), 'work.ukraine sits behind a condition on group').to.deep.equal([]);
  });

  it('fails on a fact past its valid_until, naming the fact (a stale amount is never said)', () => {
    const dirs = editedFixture('municipality.yaml', (t) => t.replace('    checked: 2026-11-01\n  main_phone:', '    checked: 2026-11-01\n    valid_until: 2026-11-15\n  main_phone:'));
    const found = errors(check(dirs));
    expect(found.some((e) => /municipality\.yaml:\d+ \(node facts\.main_address\): was valid until 2026-11-15, which has passed/.test(e)), found.join('\n')).to.equal(true);
    expect(errors(check(dirs, '2026-11-15')), 'still valid on its last day').to.deep.equal([]);
  });

  it('keeps the date a source gives apart from the day it was checked, and warns on an old source (age configurable)', () => {
    const dirs = editedFixture('municipality.yaml', (t) => t.replace('source_date: 2026-10-01', 'source_date: 2015-10-07'));
    const warnings = check(dirs).filter((p) => p.level === 'warning').map(formatProblem);
    const stale = warnings.filter((w) => w.includes('(node facts.main_address): rests on a source dated 2015-10-07'));
    expect(stale, warnings.join('\n')).to.have.length(1);
    expect(stale[0]).to.contain('more than 730').and.to.contain('fix:');
    expect(errors(check(dirs)), 'an old source is a warning, not an error').to.deep.equal([]);
    const lenient = checkContent({ ...dirs, locales: ['da', 'en'], today: TODAY, maxSourceAgeDays: 10_000 }).problems;
    expect(lenient.filter((p) => p.message.includes('rests on a source')), 'CONTENT_SOURCE_MAX_AGE_DAYS raises the age').to.deep.equal([]);
    // A year alone counts as the end of that year; an info node's source_date is judged the same way.
    const node = editedFixture('work.yaml', (t) => t.replace('    source: "https://www.borger.dk"\n', '    source: "https://www.borger.dk"\n    source_date: 2020\n'));
    expect(check(node).map(formatProblem).some((w) => w.includes('(node work.other): rests on a source dated 2020, 2157 days ago'))).to.equal(true);
  });

  it('requires a confirmed fact to say how old its source is, and refuses a source dated in the future', () => {
    let found = errors(check(editedFixture('municipality.yaml', (t) => t.replace('    source_date: 2026-10-01\n', ''))));
    expect(found.some((e) => e.includes('(node facts.main_address): is confirmed but does not say how old its source is') && e.includes('"checked:" is the day you read it'))).to.equal(true, found.join('\n'));
    found = errors(check(editedFixture('municipality.yaml', (t) => t.replace('source_date: 2026-10-01', 'source_date: 2027-01'))));
    expect(found.some((e) => e.includes('(node facts.main_address): says its source is dated 2027-01, which is in the future'))).to.equal(true, found.join('\n'));
    found = errors(check(editedFixture('municipality.yaml', (t) => t.replace('source_date: 2026-10-01', 'source_date: last year'))));
    expect(found.some((e) => e.includes('facts.main_address.source_date'))).to.equal(true, found.join('\n'));
  });

  it('fails when a fact a text uses has no value in one enabled language (the bot would answer in Danish)', () => {
    const perLanguage = (t: string) => t.replace('    value: "Kongevej 57, 6270 Tønder"\n', '    value:\n      da: "Kongevej 57, 6270 Tønder"\n');
    const found = errors(check(editedFixture('municipality.yaml', perLanguage)));
    const missing = found.filter((e) => e.includes('{{main_address}}, which has no "en" value'));
    expect(missing, found.join('\n')).to.have.length(1);
    expect(missing[0]).to.match(/en[\\/]paths\.json/).and.to.contain('fix: Add "en: ..." under facts.main_address.value');
    expect(found.filter((e) => e.includes('has no "da" value'))).to.deep.equal([]);
    const both = (t: string) => perLanguage(t).replace('      da: "Kongevej 57, 6270 Tønder"\n', '      da: "Kongevej 57, 6270 Tønder"\n      en: "Kongevej 57, 6270 Tønder"\n');
    expect(errors(check(editedFixture('municipality.yaml', both)))).to.deep.equal([]);
  });

  it('warns about a fact no text uses, unless the code reads it', () => {
    const dirs = editedFixture('municipality.yaml', (t) => `${t}  crisis_line_hours:\n    value: null\n    status: to_be_confirmed\n    source: "fixture"\n    checked: 2026-11-01\n`);
    const unused = check(dirs).filter((p) => p.level === 'warning' && p.message === 'is not used by any text');
    expect(unused.map((p) => p.node)).to.deep.equal(['facts.crisis_line_hours']);
    const read = checkContent({ ...dirs, locales: ['da', 'en'], today: TODAY, factsUsedByCode: ['crisis_line_hours'] }).problems;
    expect(read.filter((p) => p.message === 'is not used by any text')).to.deep.equal([]);
  });

  it('reports an id used twice', () => {
    const dirs = editedFixture('contact.yaml', (t) => t.replace('id: contact.start', 'id: work.menu').replace('start: contact.start', 'start: work.menu'));
    const found = errors(check(dirs));
    expect(found.some((e) => e.includes('uses the id "work.menu", which') && e.includes('already uses'))).to.equal(true, found.join('\n'));
  });
});

describe('content:check and content:graph', () => {
  const run = (script: string, env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'src', 'paths', script)], { env: { ...process.env, ...env }, encoding: 'utf8' });

  it('content:check exits 0 on good content and 1 on broken content, naming file, node and fix', function () {
    this.timeout(30_000);
    const good = run('contentCheck.ts', fixtureContent('good').env);
    expect(good.status, good.stdout + good.stderr).to.equal(0);
    expect(good.stdout).to.contain('0 errors');
    const bad = run('contentCheck.ts', { ...fixtureContent('bad_refs').env, DIALOGS_DIR: join(FIXTURES, 'bad_refs', 'dialogs') });
    expect(bad.status).to.equal(1);
    expect(bad.stdout).to.contain('work.yaml:56 (node work.dangling)').and.to.contain('fix:');
  });

  it("content:check counts the facts the code reads (the safety reply's helpline, the caseworkers' hours) as used", function () {
    this.timeout(30_000);
    const own = run('contentCheck.ts', { DIALOGS_DIR: '', LOCALES_DIR: '' });
    expect(own.status, own.stdout + own.stderr).to.equal(0);
    for (const fact of ['domestic_violence_line', 'caseworker_hours', 'crisis_line']) {
      expect(own.stdout).not.to.contain(`(node facts.${fact}): is not used by any text`);
    }
  });

  it('draws every node and every arrow of the paths as SVG', () => {
    const fixture = fixtureContent('good');
    const graph = loadGraph(fixture.dialogsDir);
    const svg = drawPaths(graph, readLocaleFile(fixture.localesDir, 'da', 'paths'));
    expect(svg.startsWith('<svg')).to.equal(true);
    for (const id of graph.nodes.keys()) expect(svg).to.contain(`>${id}</text>`);
    const arrows = [...graph.nodes.values()].flatMap((n) => targetsOf(n)).filter((t) => !isSpecial(t.target)).length;
    expect(svg.match(/marker-end="url\(#arrow\)"/g)).to.have.length(arrows);
    expect(svg).to.contain('Hvad vil du vide?');
  });
});
