package org.cytotriage.retraining.dataset;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.cytotriage.core.imagestore.Sha256;

/**
 * Assigns each case to train, val or heldout by a hash of the plan's split seed and the case: every
 * image of a case lands in the same split (no case is both trained on and judged on), the same
 * manifest always splits the same way, and a case keeps its split when later manifests grow.
 */
public record CaseSplit(long seed, double train, double validation) {

    public static final String TRAIN = "train";
    public static final String VALIDATION = "val";
    public static final String HELD_OUT = "heldout";

    public static CaseSplit of(Map<String, Double> fractions, long seed) {
        double total = fractions.values().stream().mapToDouble(Double::doubleValue).sum();
        return new CaseSplit(seed, fractions.get(TRAIN) / total, fractions.get(VALIDATION) / total);
    }

    public String of(String caseKey) {
        String hex = Sha256.hex((seed + "\n" + caseKey).getBytes(StandardCharsets.UTF_8));
        double u = Long.parseUnsignedLong(hex.substring(0, 13), 16) / (double) (1L << 52);
        return u < train ? TRAIN : u < train + validation ? VALIDATION : HELD_OUT;
    }
}
