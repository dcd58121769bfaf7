/*
 * Okapi BM25 over short documents (tool names and descriptions): the ranking the reference's `tool_search`
 * describes to the model. Terms are lower-cased runs of letters and digits; `snake_case` and `camelCase` names
 * are split into their words too, so `read_echo` matches "echo".
 */

const K1 = 1.2;
const B = 0.75;

export function terms(text: string): string[] {
  const spaced = text.replace(/([a-z0-9])([A-Z])/g, '$1 $2');
  return spaced.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The indexes of `documents` that match `query`, best first (ties keep document order). */
export function rankBm25(documents: readonly string[], query: string): number[] {
  const docs = documents.map(terms);
  const averageLength = docs.reduce((sum, doc) => sum + doc.length, 0) / Math.max(docs.length, 1);
  const queryTerms = [...new Set(terms(query))];
  const documentFrequency = new Map<string, number>();
  for (const term of queryTerms) documentFrequency.set(term, docs.filter((doc) => doc.includes(term)).length);
  const scored = docs.map((doc, index) => {
    let score = 0;
    for (const term of queryTerms) {
      const frequency = doc.filter((word) => word === term).length;
      if (frequency === 0) continue;
      const n = documentFrequency.get(term) ?? 0;
      const idf = Math.log(1 + (docs.length - n + 0.5) / (n + 0.5));
      score += (idf * frequency * (K1 + 1)) / (frequency + K1 * (1 - B + (B * doc.length) / Math.max(averageLength, 1)));
    }
    return { index, score };
  });
  return scored
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .map((entry) => entry.index);
}
