package org.cytotriage.audit.sample;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Draws k of n without replacement, every subset equally likely (a partial Fisher-Yates shuffle),
 * from a seed: the same population in the same order and the same seed give the same sample.
 */
final class SimpleRandomSample {

    private SimpleRandomSample() {
    }

    static <T> List<T> draw(List<T> population, int size, long seed) {
        List<T> pool = new ArrayList<>(population);
        SplittableRandom random = new SplittableRandom(seed);
        int k = Math.min(size, pool.size());
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(pool.size() - i);
            T swapped = pool.get(i);
            pool.set(i, pool.get(j));
            pool.set(j, swapped);
        }
        return List.copyOf(pool.subList(0, k));
    }

    /** A seed named by what is drawn, so anyone can draw the same sample again from the same cases. */
    static long seed(String... names) {
        return UUID.nameUUIDFromBytes(String.join("|", names).getBytes(StandardCharsets.UTF_8)).getMostSignificantBits();
    }
}
