package org.cytotriage.synthetic.dataset;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.cytotriage.core.bethesda.BethesdaCategory;

/**
 * The fixed share of each Bethesda category in a generated dataset. The three treatment groups
 * get a third each, so a model needs no class weighting and per-class figures are comparable;
 * inside the indeterminate group, I 15 %, III 30 %, IV 25 % and V 30 %, so that Bethesda V (whose
 * recall is a key audit figure) is well represented.
 */
public final class ClassMix {

    private static final Map<BethesdaCategory, Double> SHARES = buildShares();

    private ClassMix() {
    }

    /** Share per category, in category order; the shares sum to 1. */
    public static Map<BethesdaCategory, Double> shares() {
        return SHARES;
    }

    /**
     * Case counts per category that sum to {@code total}: each gets the floor of its share, and
     * the cases left over go to the largest remainders (ties in category order).
     */
    public static Map<BethesdaCategory, Integer> counts(int total) {
        return Apportion.largestRemainder(total, SHARES, BethesdaCategory.class);
    }

    private static Map<BethesdaCategory, Double> buildShares() {
        double third = 1.0 / 3.0;
        Map<BethesdaCategory, Double> shares = new EnumMap<>(BethesdaCategory.class);
        shares.put(BethesdaCategory.I, third * 0.15);
        shares.put(BethesdaCategory.II, third);
        shares.put(BethesdaCategory.III, third * 0.30);
        shares.put(BethesdaCategory.IV, third * 0.25);
        shares.put(BethesdaCategory.V, third * 0.30);
        shares.put(BethesdaCategory.VI, third);
        return Collections.unmodifiableMap(shares);
    }
}
