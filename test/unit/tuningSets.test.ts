import { expect } from 'chai';
import { EmbeddedRecognizer } from '../../src/nlu/embeddedRecognizer';
import { SafetyScreen } from '../../src/nlu/safety';
import { folderFigures, tuningFolders } from '../../src/nlu/tuningSets';

/**
 * What the tuning rounds of issue #9 reached on their own development sets (`dev-*`, tuned on) and probe sets
 * (`probe-*`, written before the tuning and never tuned on): intent messages right, emergencies given the reply
 * at once, emergencies given the reply or the "are you in danger?" question, and false alarms on the ordinary
 * messages (the set's look-alikes and its intent messages). A change to the phrases, cues or code that loses any
 * of it fails here. When a change does better, raise the numbers (`npx tsx src/nlu/tools/tuningFigures.ts` prints
 * the table).
 */
const REACHED: Record<string, [intent: number, atOnce: number, caught: number, falseAlarms: number]> = {
  'dev-intC': [190, 0, 0, 0], // of 205 intent, 0 emergencies, 205 ordinary
  'dev-intD': [284, 0, 0, 0], // of 292 intent, 0 emergencies, 292 ordinary
  'dev-intE1': [381, 0, 0, 2], // of 386 intent, 0 emergencies, 386 ordinary
  'dev-intG2': [353, 20, 20, 0], // of 358 intent, 20 emergencies, 370 ordinary
  'dev-lead12i': [284, 273, 287, 1], // of 293 intent, 293 emergencies, 408 ordinary
  'dev-safeC': [0, 160, 160, 0], // of 0 intent, 160 emergencies, 75 ordinary
  'dev-safeCore': [0, 120, 129, 0], // of 0 intent, 130 emergencies, 113 ordinary
  'dev-safeD': [0, 148, 150, 0], // of 0 intent, 150 emergencies, 180 ordinary
  'dev-safeE1b': [0, 75, 75, 0], // of 0 intent, 75 emergencies, 45 ordinary
  'dev-safeE2': [0, 111, 111, 0], // of 0 intent, 111 emergencies, 64 ordinary
  'dev-safeE3': [0, 96, 96, 0], // of 0 intent, 96 emergencies, 60 ordinary
  'dev-safeE4': [0, 115, 115, 0], // of 0 intent, 115 emergencies, 41 ordinary
  'dev-safeF1': [81, 96, 96, 0], // of 81 intent, 96 emergencies, 129 ordinary
  'dev-safeF2': [54, 64, 64, 0], // of 54 intent, 64 emergencies, 86 ordinary
  'dev-safeF3': [81, 96, 96, 0], // of 81 intent, 96 emergencies, 129 ordinary
  'dev-safeF4': [58, 64, 64, 0], // of 58 intent, 64 emergencies, 90 ordinary
  'dev-safeG3': [80, 90, 90, 0], // of 81 intent, 90 emergencies, 129 ordinary
  'dev-tunAr': [44, 41, 41, 0], // of 44 intent, 41 emergencies, 57 ordinary
  'dev-tunArFaPs4': [577, 264, 264, 0], // of 595 intent, 264 emergencies, 696 ordinary
  'dev-tunArFaPs5': [115, 135, 135, 0], // of 120 intent, 135 emergencies, 165 ordinary
  'dev-tunArSo3': [175, 304, 306, 0], // of 178 intent, 306 emergencies, 355 ordinary
  'dev-tunDaEnDe': [113, 90, 90, 0], // of 113 intent, 90 emergencies, 149 ordinary
  'dev-tunEuro4': [179, 454, 454, 0], // of 190 intent, 455 emergencies, 391 ordinary
  'dev-tunEuro5': [97, 203, 203, 0], // of 100 intent, 203 emergencies, 215 ordinary
  'dev-tunFa': [76, 53, 53, 0], // of 76 intent, 53 emergencies, 94 ordinary
  'dev-tunFaPs3': [86, 185, 185, 0], // of 86 intent, 185 emergencies, 151 ordinary
  'dev-tunPs': [65, 57, 57, 0], // of 65 intent, 57 emergencies, 83 ordinary
  'dev-tunPs3': [14, 23, 23, 0], // of 15 intent, 23 emergencies, 22 ordinary
  'dev-tunPs4': [8, 15, 15, 0], // of 8 intent, 15 emergencies, 18 ordinary
  'dev-tunPs5': [25, 0, 0, 0], // of 26 intent, 0 emergencies, 26 ordinary
  'dev-tunSlav3': [326, 257, 257, 0], // of 330 intent, 257 emergencies, 473 ordinary
  'dev-tunTi3': [187, 103, 103, 0], // of 187 intent, 103 emergencies, 364 ordinary
  'dev-tunTiSo': [80, 67, 67, 0], // of 81 intent, 67 emergencies, 105 ordinary
  'dev-tunTiSo4': [533, 202, 202, 0], // of 544 intent, 202 emergencies, 663 ordinary
  'dev-tunTiSo5': [80, 86, 86, 0], // of 84 intent, 86 emergencies, 120 ordinary
  'dev-tunUkRu': [273, 80, 80, 0], // of 275 intent, 80 emergencies, 307 ordinary
  'dev2-safeE3': [0, 54, 54, 0], // of 0 intent, 54 emergencies, 36 ordinary
  'dev2-tunFa': [173, 178, 180, 2], // of 177 intent, 180 emergencies, 275 ordinary
  'dev2-tunPs': [28, 28, 28, 0], // of 28 intent, 28 emergencies, 38 ordinary
  'probe-intC': [145, 0, 0, 0], // of 150 intent, 0 emergencies, 150 ordinary
  'probe-intD': [145, 0, 0, 0], // of 150 intent, 0 emergencies, 150 ordinary
  'probe-intE1': [105, 0, 0, 0], // of 108 intent, 0 emergencies, 108 ordinary
  'probe-intG2': [26, 10, 10, 0], // of 26 intent, 10 emergencies, 30 ordinary
  'probe-safeC': [0, 95, 99, 1], // of 0 intent, 100 emergencies, 50 ordinary
  'probe-safeCore': [0, 188, 195, 3], // of 0 intent, 200 emergencies, 100 ordinary
  'probe-safeD': [0, 93, 96, 0], // of 0 intent, 100 emergencies, 50 ordinary
  'probe-safeE1b': [0, 35, 36, 0], // of 0 intent, 36 emergencies, 18 ordinary
  'probe-safeE2': [0, 53, 54, 0], // of 0 intent, 54 emergencies, 24 ordinary
  'probe-safeE3': [0, 63, 63, 1], // of 0 intent, 63 emergencies, 30 ordinary
  'probe-safeE4': [0, 46, 47, 0], // of 0 intent, 48 emergencies, 20 ordinary
  'probe-safeF1': [36, 36, 39, 0], // of 39 intent, 39 emergencies, 63 ordinary
  'probe-safeF2': [26, 24, 25, 0], // of 26 intent, 26 emergencies, 42 ordinary
  'probe-safeF3': [36, 38, 39, 1], // of 39 intent, 39 emergencies, 63 ordinary
  'probe-safeF4': [28, 24, 24, 0], // of 28 intent, 26 emergencies, 44 ordinary
  'probe-safeG3': [34, 41, 44, 0], // of 39 intent, 45 emergencies, 63 ordinary
  'probe-tunAr': [17, 15, 16, 0], // of 17 intent, 16 emergencies, 22 ordinary
  'probe-tunArFaPs4': [47, 60, 61, 0], // of 48 intent, 61 emergencies, 72 ordinary
  'probe-tunArFaPs5': [43, 39, 47, 0], // of 48 intent, 60 emergencies, 72 ordinary
  'probe-tunArSo3': [32, 40, 42, 1], // of 32 intent, 42 emergencies, 56 ordinary
  'probe-tunDaEnDe': [42, 38, 42, 1], // of 45 intent, 42 emergencies, 63 ordinary
  'probe-tunEuro4': [72, 98, 99, 1], // of 75 intent, 100 emergencies, 115 ordinary
  'probe-tunEuro5': [67, 94, 98, 4], // of 75 intent, 100 emergencies, 115 ordinary
  'probe-tunFa': [20, 16, 16, 0], // of 20 intent, 16 emergencies, 25 ordinary
  'probe-tunFaPs3': [30, 39, 40, 0], // of 30 intent, 40 emergencies, 54 ordinary
  'probe-tunPs': [14, 14, 15, 0], // of 16 intent, 16 emergencies, 20 ordinary
  'probe-tunSlav3': [46, 64, 65, 3], // of 46 intent, 66 emergencies, 86 ordinary
  'probe-tunTi3': [18, 20, 22, 0], // of 18 intent, 23 emergencies, 30 ordinary
  'probe-tunTiSo': [29, 26, 30, 0], // of 33 intent, 30 emergencies, 43 ordinary
  'probe-tunTiSo4': [35, 40, 40, 1], // of 35 intent, 40 emergencies, 51 ordinary
  'probe-tunTiSo5': [26, 28, 34, 3], // of 32 intent, 40 emergencies, 48 ordinary
  'probe-tunUkRu': [30, 31, 32, 0], // of 32 intent, 32 emergencies, 40 ordinary
};

describe('tuning and probe sets of issue #9: nothing reached is lost', function () {
  this.timeout(120_000);
  const folders = tuningFolders();

  it('has a line here for every dev and probe folder, and a folder for every line', () => {
    expect(folders).to.deep.equal(Object.keys(REACHED).sort());
  });

  it('keeps every folder at or above what it reached', () => {
    const recognizer = new EmbeddedRecognizer();
    const screen = SafetyScreen.load({ bank: recognizer.bank });
    const worse: string[] = [];
    for (const name of folders) {
      const f = folderFigures(recognizer, screen, name);
      const [wantIntent, wantAtOnce, wantCaught, wantFalse] = REACHED[name] ?? [0, 0, 0, 0];
      if (f.intent.correct < wantIntent) worse.push(`${name}: intent ${f.intent.correct} < ${wantIntent}`);
      if (f.atOnce.correct < wantAtOnce) worse.push(`${name}: reply at once ${f.atOnce.correct} < ${wantAtOnce}`);
      if (f.caught < wantCaught) worse.push(`${name}: reply or question ${f.caught} < ${wantCaught}`);
      if (f.falseAlarms.correct > wantFalse) worse.push(`${name}: false alarms ${f.falseAlarms.correct} > ${wantFalse}`);
    }
    expect(worse).to.deep.equal([]);
  });
});
