package org.cytotriage.retraining.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.junit.jupiter.api.Test;

class CaseSplitTest {

    private final CaseSplit split = CaseSplit.of(Map.of("train", 0.6, "val", 0.2, "heldout", 0.2), 20261207);

    @Test
    void everyImageOfACaseLandsInTheSameSplit() {
        for (int c = 0; c < 200; c++) {
            ConfirmedImage first = new ConfirmedImage("img-" + c + "-a", "k", BethesdaCategory.II, "hospital-a", "case-" + c);
            ConfirmedImage second = new ConfirmedImage("img-" + c + "-b", "k", BethesdaCategory.II, "hospital-a", "case-" + c);
            assertThat(split.of(second.caseKey())).isEqualTo(split.of(first.caseKey()));
        }
    }

    @Test
    void casesAreSharedOutInThePlansProportionsAndTheSameWayEveryTime() {
        Map<String, Integer> counts = new HashMap<>();
        for (int c = 0; c < 10_000; c++) {
            counts.merge(split.of("hospital-a/case-" + c), 1, Integer::sum);
        }
        assertThat(counts.get(CaseSplit.TRAIN) / 10_000.0).isCloseTo(0.6, within(0.02));
        assertThat(counts.get(CaseSplit.VALIDATION) / 10_000.0).isCloseTo(0.2, within(0.02));
        assertThat(counts.get(CaseSplit.HELD_OUT) / 10_000.0).isCloseTo(0.2, within(0.02));
        assertThat(CaseSplit.of(Map.of("train", 0.6, "val", 0.2, "heldout", 0.2), 20261207).of("hospital-a/case-17"))
                .isEqualTo(split.of("hospital-a/case-17"));
    }

    @Test
    void anotherSeedSplitsOtherwise() {
        CaseSplit other = CaseSplit.of(Map.of("train", 0.6, "val", 0.2, "heldout", 0.2), 1);
        long differing = java.util.stream.IntStream.range(0, 1000).filter(c -> !other.of("h/" + c).equals(split.of("h/" + c))).count();
        assertThat(differing).isGreaterThan(300);
    }
}
