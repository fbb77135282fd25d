package org.cytotriage.synthetic.dataset;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Whole-number counts from fractional shares (Hamilton's largest-remainder method). */
final class Apportion {

    private Apportion() {
    }

    /**
     * Counts that sum to {@code total}: each key gets the floor of its share, and the remaining
     * units go to the largest remainders, ties broken by declaration order so the result is fixed.
     */
    static <K extends Enum<K>> Map<K, Integer> largestRemainder(int total, Map<K, Double> shares, Class<K> type) {
        double sum = shares.values().stream().mapToDouble(Double::doubleValue).sum();
        Map<K, Integer> counts = new EnumMap<>(type);
        Map<K, Double> remainders = new EnumMap<>(type);
        int assigned = 0;
        for (Map.Entry<K, Double> entry : shares.entrySet()) {
            double exact = total * entry.getValue() / sum;
            int floor = (int) Math.floor(exact);
            counts.put(entry.getKey(), floor);
            remainders.put(entry.getKey(), exact - floor);
            assigned += floor;
        }
        List<K> byRemainder = new ArrayList<>(remainders.keySet());
        byRemainder.sort(Comparator.comparing((K key) -> remainders.get(key)).reversed()
                .thenComparing(Comparator.naturalOrder()));
        for (int i = 0; i < total - assigned; i++) {
            K key = byRemainder.get(i);
            counts.put(key, counts.get(key) + 1);
        }
        return counts;
    }
}
