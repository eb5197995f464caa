/**
 * B-cubed clustering scores (Bagga & Baldwin 1998): per item, precision is
 * the share of its predicted cluster that belongs to its true group, recall
 * the share of its true group found in its predicted cluster; both are
 * averaged over the items. Unlike pair counting, a big merged cluster cannot
 * hide behind many correct singletons.
 */

/** Precision, recall and F1 averaged over `items` items. */
export interface ClusterScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly items: number;
}

/**
 * B-cubed precision/recall/F1. `gold` and `predicted` map every item of the
 * evaluated universe to a cluster label (the label values of the two maps
 * are unrelated). Scores are averaged over `over` (default: every item of
 * `gold`), while clusters are always counted over the whole universe, so a
 * per-kind score still pays for merges with items of other kinds.
 *
 * @example
 * ```ts
 * const gold = new Map([['a', 'g1'], ['b', 'g1'], ['c', 'g2']]);
 * bCubed(gold, new Map([['a', 'x'], ['b', 'x'], ['c', 'x']]));
 * // precision 5/9, recall 1, f1 ≈ 0.714
 * ```
 */
export function bCubed(
  gold: ReadonlyMap<string, string>,
  predicted: ReadonlyMap<string, string>,
  over: Iterable<string> = gold.keys(),
): ClusterScores {
  const goldSize = countBy(gold.keys(), (item) => gold.get(item));
  const predictedSize = countBy(gold.keys(), (item) => predictedOf(predicted, item));
  const both = countBy(
    gold.keys(),
    (item) => `${gold.get(item)}\u0000${predictedOf(predicted, item)}`,
  );

  let precision = 0;
  let recall = 0;
  let items = 0;
  for (const item of over) {
    const group = gold.get(item);
    if (group === undefined) throw new RangeError(`item ${item} has no gold group`);
    const cluster = predictedOf(predicted, item);
    const common = both.get(`${group}\u0000${cluster}`) ?? 0;
    precision += common / (predictedSize.get(cluster) ?? 1);
    recall += common / (goldSize.get(group) ?? 1);
    items += 1;
  }
  if (items === 0) return { precision: 0, recall: 0, f1: 0, items: 0 };
  precision /= items;
  recall /= items;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, items };
}

function predictedOf(predicted: ReadonlyMap<string, string>, item: string): string {
  const cluster = predicted.get(item);
  if (cluster === undefined) throw new RangeError(`item ${item} has no predicted cluster`);
  return cluster;
}

function countBy(
  items: Iterable<string>,
  key: (item: string) => string | undefined,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}
