import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** `npm run nlu:eval -- --set <folder>`: figures only, and false alarms on all of a set's ordinary messages too. */
describe('nlu:eval --set <folder>', function () {
  this.timeout(60_000);
  let out = '';
  before(() => {
    out = execFileSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'src', 'nlu', 'tools', 'evaluate.ts'), '--set', join(ROOT, 'test', 'nlu-dev', 'stranger-2026-12d')], { encoding: 'utf8' });
  });

  it('counts false alarms on the look-alikes and on all ordinary messages, the intent messages included', () => {
    expect(out).to.match(/false alarms [\d.]+ % \(\d+\/100\)/);
    expect(out).to.match(/on all ordinary messages \(the 100 look-alikes and the set's 250 intent messages\): false alarms [\d.]+ % \(\d+\/350\)/);
  });

  it('lists no message of the set', () => {
    expect(out).to.include('misses are not listed');
    expect(out).to.not.include('Most common intent confusions');
  });
});
