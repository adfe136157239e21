import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../src/projectRoot';

interface RawFact {
  value: unknown;
  status?: string;
  note?: string;
}

/** The project's own facts, read as the editors wrote them (note included, which the bot never says). */
function projectFacts(): Record<string, RawFact> {
  const text = readFileSync(join(PROJECT_ROOT, 'dialogs', 'municipality.yaml'), 'utf8');
  return (parse(text) as { facts: Record<string, RawFact> }).facts;
}

/** The fact names in the first table of docs/facts-to-confirm.md (the rows still to be confirmed). */
function listedToConfirm(): string[] {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'facts-to-confirm.md'), 'utf8');
  const firstTable = doc.split(/^## /m)[0] ?? '';
  return [...firstTable.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1] ?? '');
}

describe('facts still to be confirmed (the note for the municipality)', () => {
  it('every unconfirmed fact says who at the municipality could confirm it, and has no value', () => {
    const missing = Object.entries(projectFacts())
      .filter(([, f]) => f.status === 'to_be_confirmed')
      .filter(([, f]) => f.value !== null || !/Confirm: \S/.test(f.note ?? ''))
      .map(([name]) => name);
    expect(missing, 'to_be_confirmed facts without value: null and a "Confirm: <who>" note').to.deep.equal([]);
  });

  it('docs/facts-to-confirm.md lists exactly the facts that are still to be confirmed', () => {
    const unconfirmed = Object.entries(projectFacts())
      .filter(([, f]) => f.status === 'to_be_confirmed')
      .map(([name]) => name)
      .sort();
    expect(listedToConfirm().sort()).to.deep.equal(unconfirmed);
  });
});
