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
  const add = (f: string): void => {
    out.set(f, (out.get(f) ?? 0) + 1);
  };
  for (const w of words(folded)) {
    add(`w:${w}`);
    const padded = [...` ${w} `];
    for (let n = 2; n <= 4; n++) {
      for (let i = 0; i + n <= padded.length; i++) add(padded.slice(i, i + n).join(''));
    }
  }
  return out;
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
  private readonly weightOf: number[] = [];
  private readonly postings: { docs: number[]; weights: number[] }[] = [];
  private readonly docLabels: number[] = [];
  private readonly labels: string[] = [];
  private readonly unknownWeight: number;
  private readonly oneLabelWeight: number;
  private readonly docScores: Float64Array;

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
    for (const f of labelsOf.keys()) {
      this.featureIds.set(f, this.weightOf.length);
      this.weightOf.push(Math.log((labelCount + 1) / (labelsOf.get(f)!.size + 1)) + 1);
      this.postings.push({ docs: [], weights: [] });
    }
    examples.forEach((example, docId) => {
      if (!labelIds.has(example.label)) {
        labelIds.set(example.label, this.labels.length);
        this.labels.push(example.label);
      }
      this.docLabels.push(labelIds.get(example.label)!);
      const vector = this.weigh(docs[docId]);
      for (const [id, weight] of vector) {
        this.postings[id].docs.push(docId);
        this.postings[id].weights.push(weight);
      }
    });
    this.docScores = new Float64Array(docs.length);
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
    const query = features(fold(text));
    let norm = 0;
    const known: [number, number][] = [];
    for (const [f, tf] of query) {
      const id = this.featureIds.get(f);
      const w = (1 + Math.log(tf)) * (id === undefined ? this.unknownWeight : this.weightOf[id]);
      norm += w * w;
      if (id !== undefined) known.push([id, w]);
    }
    const best = new Float64Array(this.labels.length);
    const second = new Float64Array(this.labels.length);
    if (norm === 0) return this.labels.map((label) => ({ label, score: 0 }));
    norm = Math.sqrt(norm);
    const scores = this.docScores;
    const touched: number[] = [];
    for (const [id, w] of known) {
      const { docs, weights } = this.postings[id];
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i];
        if (scores[d] === 0) touched.push(d);
        scores[d] += (w / norm) * weights[i];
      }
    }
    for (const d of touched) {
      const label = this.docLabels[d];
      const s = scores[d];
      if (s > best[label]) {
        second[label] = best[label];
        best[label] = s;
      } else if (s > second[label]) second[label] = s;
      scores[d] = 0;
    }
    const ranked = this.labels.map((label, i) => ({ label, score: Math.max(0, best[i] - (best[i] - second[i]) * (1 - best[i])) }));
    return ranked.sort((a, b) => b.score - a.score || this.labels.indexOf(a.label) - this.labels.indexOf(b.label));
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
