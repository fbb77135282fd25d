package org.cytotriage.synthetic.dataset;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cytotriage.core.bethesda.BethesdaCategory;

/**
 * Decides, before any image is drawn, which category, seed and split each case gets. Planning is
 * sequential and cheap; drawing can then run in any order on any number of threads without
 * changing a byte of the result.
 */
public final class DatasetPlan {

    private DatasetPlan() {
    }

    public static List<PlannedCase> of(DatasetSpec spec) {
        List<BethesdaCategory> categories = new ArrayList<>(spec.count());
        ClassMix.counts(spec.count()).forEach((category, n) -> {
            for (int i = 0; i < n; i++) {
                categories.add(category);
            }
        });
        SplittableRandom rng = new SplittableRandom(spec.seed());
        shuffle(categories, rng);
        long[] seeds = new long[spec.count()];
        for (int i = 0; i < seeds.length; i++) {
            seeds[i] = rng.nextLong();
        }
        Split[] splits = stratifiedSplits(categories, spec.split(), new SplittableRandom(spec.splitSeed()));
        List<PlannedCase> plan = new ArrayList<>(spec.count());
        for (int i = 0; i < spec.count(); i++) {
            plan.add(new PlannedCase(i, categories.get(i), seeds[i], splits[i]));
        }
        return List.copyOf(plan);
    }

    /**
     * Stratified split with exact overall sizes. Cases are lined up category by category (each
     * category shuffled), and the splits are dealt along that line in proportion: at every step
     * the split furthest behind its quota gets the next case. Every category therefore gets its
     * share of each split to within one case, and the split sizes are the largest-remainder
     * quotas of the whole dataset, even for tiny datasets.
     */
    private static Split[] stratifiedSplits(List<BethesdaCategory> categories, SplitFractions fractions,
            SplittableRandom rng) {
        List<Integer> line = new ArrayList<>(categories.size());
        for (BethesdaCategory category : BethesdaCategory.values()) {
            List<Integer> members = new ArrayList<>();
            for (int i = 0; i < categories.size(); i++) {
                if (categories.get(i) == category) {
                    members.add(i);
                }
            }
            shuffle(members, rng);
            line.addAll(members);
        }
        Map<Split, Double> shares = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            shares.put(split, fractions.fraction(split));
        }
        Map<Split, Integer> quotas = Apportion.largestRemainder(line.size(), shares, Split.class);
        Map<Split, Integer> dealt = new EnumMap<>(Split.class);
        Split[] splits = new Split[categories.size()];
        long total = line.size();
        for (int position = 0; position < line.size(); position++) {
            Split behind = null;
            long largestDeficit = Long.MIN_VALUE;
            for (Split split : Split.values()) {
                // (quota * (position + 1) / total) - dealt, scaled by total to stay in integers.
                long deficit = (long) quotas.get(split) * (position + 1) - dealt.getOrDefault(split, 0) * total;
                if (deficit > largestDeficit) {
                    largestDeficit = deficit;
                    behind = split;
                }
            }
            dealt.merge(behind, 1, Integer::sum);
            splits[line.get(position)] = behind;
        }
        return splits;
    }

    // Fisher-Yates with the given stream (Collections.shuffle takes a java.util.Random only).
    private static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            T swap = list.get(i);
            list.set(i, list.get(j));
            list.set(j, swap);
        }
    }
}
