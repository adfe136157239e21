import { fold, words } from './fold';

export interface LabelledText {
  text: string;
  label: string;
}

export interface Ranked {
  label: string;
  score: number;
}

/**
 * The features of a text: each word, and the character 2- to 4-grams of each word with its
 * boundaries (" arb", "bej", "ejd", "jde "). Character n-grams make the match tolerant to typos,
 * inflection and clitics in any script; the whole word rewards an exact match.
 */
export function features(folded: string): Map<string, number> {
  const out = new Map<string, number>();
  forEachFeature(folded, (f) => {
    out.set(f, (out.get(f) ?? 0) + 1);
  });
  return out;
}

/** Outside the Basic Multilingual Plane a character is two UTF-16 units: such words are cut by code points. */
const SURROGATE = /[\uD800-\uDFFF]/;

/** Each feature of `features`, as often as it occurs, in the same order. */
function forEachFeature(folded: string, add: (f: string) => void): void {
  for (const w of words(folded)) {
    add(`w:${w}`);
    const padded = ` ${w} `;
    if (!SURROGATE.test(padded)) {
      for (let n = 2; n <= 4; n++) for (let i = 0; i + n <= padded.length; i++) add(padded.substring(i, i + n));
      continue;
    }
    const chars = [...padded];
    for (let n = 2; n <= 4; n++) {
      for (let i = 0; i + n <= chars.length; i++) add(chars.slice(i, i + n).join(''));
    }
  }
}

/**
 * A nearest-neighbour text classifier over character n-grams weighted by inverse label frequency
 * (a feature seen under many labels, like "please", says little), with cosine similarity through
 * an inverted index. A label's score is its best example's similarity, lowered towards its
 * second-best when the best is not close to an exact match: one lucky partial overlap counts less
 * than consistent evidence, and an exact example always wins. Deterministic: no randomness, ties
 * broken by label order.
 */
export class NgramClassifier {
  private readonly featureIds = new Map<string, number>();
  private readonly weightOf: Float64Array;
  /** The inverted index, by feature id: the examples of feature f are postingDocs[postingStart[f] … postingStart[f + 1]). */
  private readonly postingStart: Int32Array;
  private readonly postingDocs: Int32Array;
  private readonly postingWeights: Float64Array;
  private readonly docLabels: Int32Array;
  private readonly labels: string[] = [];
  private readonly unknownWeight: number;
  private readonly oneLabelWeight: number;
  // Scratch space of `rank` (synchronous, so one set serves every call).
  private readonly docScores: Float64Array;
  private readonly touched: Int32Array;
  private readonly best: Float64Array;
  private readonly second: Float64Array;
  /** Per feature id, the call of `rank` that last saw it (`stamp`) and its place among that call's features. */
  private readonly seenAt: Int32Array;
  private readonly slotOf: Int32Array;
  private stamp = 0;

  constructor(examples: LabelledText[]) {
    const labelIds = new Map<string, number>();
    const docs = examples.map((e) => features(fold(e.text)));
    const labelsOf = new Map<string, Set<string>>();
    docs.forEach((doc, i) => {
      for (const f of doc.keys()) {
        const set = labelsOf.get(f) ?? new Set<string>();
        set.add(examples[i].label);
        labelsOf.set(f, set);
      }
    });
    const labelCount = new Set(examples.map((e) => e.label)).size;
    // Inverse label frequency: a feature seen under many labels ("please", "i want") says little.
    this.unknownWeight = Math.log(labelCount + 1) + 1;
    this.oneLabelWeight = Math.log((labelCount + 1) / 2) + 1;
    this.weightOf = new Float64Array(labelsOf.size);
    for (const [f, labels] of labelsOf) {
      const id = this.featureIds.size;
      this.featureIds.set(f, id);
      this.weightOf[id] = Math.log((labelCount + 1) / (labels.size + 1)) + 1;
    }
    this.docLabels = new Int32Array(examples.length);
    const vectors = examples.map((example, docId) => {
      if (!labelIds.has(example.label)) {
        labelIds.set(example.label, this.labels.length);
        this.labels.push(example.label);
      }
      this.docLabels[docId] = labelIds.get(example.label)!;
      return this.weigh(docs[docId]);
    });
    // The postings of each feature in the order of the examples.
    const counts = new Int32Array(this.weightOf.length + 1);
    for (const vector of vectors) for (const id of vector.keys()) counts[id + 1] += 1;
    for (let f = 0; f < this.weightOf.length; f++) counts[f + 1] += counts[f];
    this.postingStart = counts.slice();
    this.postingDocs = new Int32Array(counts[this.weightOf.length]);
    this.postingWeights = new Float64Array(counts[this.weightOf.length]);
    vectors.forEach((vector, docId) => {
      for (const [id, weight] of vector) {
        const at = counts[id]++;
        this.postingDocs[at] = docId;
        this.postingWeights[at] = weight;
      }
    });
    this.docScores = new Float64Array(docs.length);
    this.touched = new Int32Array(docs.length);
    this.best = new Float64Array(this.labels.length);
    this.second = new Float64Array(this.labels.length);
    this.seenAt = new Int32Array(this.weightOf.length);
    this.slotOf = new Int32Array(this.weightOf.length);
  }

  /**
   * How much a whole word says about the label (0…1): 1 for a word no example uses or uses under
   * one label, less for a word the examples use under many ("igu" is IGU in Danish and "me" in
   * Somali).
   */
  wordWeight(word: string): number {
    const id = this.featureIds.get(`w:${word}`);
    return id === undefined ? 1 : Math.min(1, this.weightOf[id] / this.oneLabelWeight);
  }

  /** Every label with its score (0…1), best first. */
  rank(text: string): Ranked[] {
    // The query's distinct features in the order they first occur (as `features` has them), with their counts;
    // id -1 for a feature no example has (it still counts in the query's norm).
    if (this.stamp === 0x7fffffff) {
      this.seenAt.fill(0);
      this.stamp = 0;
    }
    const stamp = ++this.stamp;
    const ids: number[] = [];
    const tfs: number[] = [];
    let unknown: Map<string, number> | undefined;
    forEachFeature(fold(text), (f) => {
      const id = this.featureIds.get(f);
      if (id === undefined) {
        unknown ??= new Map();
        const slot = unknown.get(f);
        if (slot !== undefined) tfs[slot] += 1;
        else {
          unknown.set(f, ids.length);
          ids.push(-1);
          tfs.push(1);
        }
      } else if (this.seenAt[id] === stamp) tfs[this.slotOf[id]] += 1;
      else {
        this.seenAt[id] = stamp;
        this.slotOf[id] = ids.length;
        ids.push(id);
        tfs.push(1);
      }
    });
    let norm = 0;
    const ws: number[] = [];
    for (let s = 0; s < ids.length; s++) {
      const id = ids[s];
      const w = (1 + Math.log(tfs[s])) * (id < 0 ? this.unknownWeight : this.weightOf[id]);
      norm += w * w;
      ws.push(w);
    }
    if (norm === 0) return this.labels.map((label) => ({ label, score: 0 }));
    norm = Math.sqrt(norm);
    const { docScores: scores, touched, best, second, postingStart, postingDocs, postingWeights, docLabels } = this;
    let touchedCount = 0;
    for (let s = 0; s < ids.length; s++) {
      const id = ids[s];
      if (id < 0) continue;
      const q = ws[s] / norm;
      for (let i = postingStart[id], end = postingStart[id + 1]; i < end; i++) {
        const d = postingDocs[i];
        if (scores[d] === 0) touched[touchedCount++] = d;
        scores[d] += q * postingWeights[i];
      }
    }
    best.fill(0);
    second.fill(0);
    for (let t = 0; t < touchedCount; t++) {
      const d = touched[t];
      const label = docLabels[d];
      const s = scores[d];
      if (s > best[label]) {
        second[label] = best[label];
        best[label] = s;
      } else if (s > second[label]) second[label] = s;
      scores[d] = 0;
    }
    const score = this.labels.map((_, i) => Math.max(0, best[i] - (best[i] - second[i]) * (1 - best[i])));
    return this.labels
      .map((_, i) => i)
      .sort((a, b) => score[b] - score[a] || a - b)
      .map((i) => ({ label: this.labels[i], score: score[i] }));
  }

  private weigh(doc: Map<string, number>): Map<number, number> {
    const out = new Map<number, number>();
    let norm = 0;
    for (const [f, tf] of doc) {
      const id = this.featureIds.get(f)!;
      const w = (1 + Math.log(tf)) * this.weightOf[id];
      out.set(id, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [id, w] of out) out.set(id, w / norm);
    return out;
  }
}
