package org.cytotriage.synthetic.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.synthetic.GeneratorSettings;
import org.cytotriage.synthetic.Site;
import org.junit.jupiter.api.Test;

class DatasetPlanTest {

    private static DatasetSpec spec(int count, long seed, long splitSeed) {
        return new DatasetSpec(count, seed, Site.SITE_A, OutputFormat.PNG, SplitFractions.DEFAULT, splitSeed,
                GeneratorSettings.defaults());
    }

    @Test
    void classMixGivesEachGroupAThird() {
        Map<BethesdaCategory, Integer> counts = ClassMix.counts(600);
        assertEquals(600, counts.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(200, counts.get(BethesdaCategory.II));
        assertEquals(200, counts.get(BethesdaCategory.VI));
        assertEquals(30, counts.get(BethesdaCategory.I));
        assertEquals(60, counts.get(BethesdaCategory.III));
        assertEquals(50, counts.get(BethesdaCategory.IV));
        assertEquals(60, counts.get(BethesdaCategory.V));
        assertEquals(7, ClassMix.counts(7).values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void splitsFollowTheFractionsWithinEveryCategory() {
        DatasetSummary summary = new DatasetSummary(spec(1000, 5, 42), DatasetPlan.of(spec(1000, 5, 42)));
        assertEquals(700, summary.count(Split.TRAIN));
        assertEquals(150, summary.count(Split.VALIDATION));
        assertEquals(150, summary.count(Split.TEST));
        Map<BethesdaCategory, Integer> categoryCounts = ClassMix.counts(1000);
        for (Split split : Split.values()) {
            for (BethesdaCategory category : BethesdaCategory.values()) {
                double expected = categoryCounts.get(category) * SplitFractions.DEFAULT.fraction(split);
                assertEquals(expected, summary.count(split, category), 1.0, split + " " + category);
            }
            for (TreatmentGroup group : TreatmentGroup.values()) {
                double share = summary.count(split, group) / (double) summary.count(split);
                assertEquals(1.0 / 3, share, 0.02, split + " " + group);
            }
        }
    }

    @Test
    void evenTinyDatasetsGetEverySplit() {
        DatasetSummary summary = new DatasetSummary(spec(10, 1, 42), DatasetPlan.of(spec(10, 1, 42)));
        assertEquals(7, summary.count(Split.TRAIN));
        assertEquals(2, summary.count(Split.VALIDATION));
        assertEquals(1, summary.count(Split.TEST));
    }

    @Test
    void planIsFixedBySeedsAndTheSplitSeedMovesOnlyTheSplit() {
        List<PlannedCase> plan = DatasetPlan.of(spec(60, 9, 42));
        assertEquals(plan, DatasetPlan.of(spec(60, 9, 42)));
        List<PlannedCase> otherSplit = DatasetPlan.of(spec(60, 9, 43));
        for (int i = 0; i < plan.size(); i++) {
            assertEquals(plan.get(i).category(), otherSplit.get(i).category());
            assertEquals(plan.get(i).seed(), otherSplit.get(i).seed());
        }
        assertNotEquals(plan.stream().map(PlannedCase::split).toList(),
                otherSplit.stream().map(PlannedCase::split).toList());
        assertNotEquals(plan, DatasetPlan.of(spec(60, 10, 42)));
        assertTrue(plan.stream().map(PlannedCase::seed).distinct().count() == plan.size(), "seeds are distinct");
    }

    @Test
    void splitFractionsParseAndValidate() {
        assertEquals(new SplitFractions(0.8, 0.1, 0.1), SplitFractions.parse("0.8, 0.1,0.1"));
        assertThrows(IllegalArgumentException.class, () -> SplitFractions.parse("0.7,0.2"));
        assertThrows(IllegalArgumentException.class, () -> SplitFractions.parse("0.7,0.2,0.2"));
    }
}
