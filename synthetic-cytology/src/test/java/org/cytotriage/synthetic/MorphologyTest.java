package org.cytotriage.synthetic;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.junit.jupiter.api.Test;

class MorphologyTest {

    private static final int DRAWS = 4000;

    @Test
    void atypiaRisesWithCategoryAndNeighboursOverlap() {
        double[] benign = atypia(BethesdaCategory.II, GeneratorSettings.defaults());
        double[] atypia = atypia(BethesdaCategory.III, GeneratorSettings.defaults());
        double[] suspicious = atypia(BethesdaCategory.V, GeneratorSettings.defaults());
        double[] malignant = atypia(BethesdaCategory.VI, GeneratorSettings.defaults());
        assertTrue(mean(benign) < mean(atypia) && mean(atypia) < mean(suspicious)
                && mean(suspicious) < mean(malignant), "mean atypia must rise II < III < V < VI");
        // III reaches into benign and V into malignant, as readings do in practice.
        assertTrue(shareBelow(atypia, percentile(benign, 0.99)) > 0.01, "III must overlap benign");
        assertTrue(shareAbove(suspicious, percentile(malignant, 0.05)) > 0.05, "V must overlap malignant");
    }

    @Test
    void reactiveBenignGroupsReachTheCoarseAtypiaOfCarcinomaButNotItsFineAtypia() {
        double[] benign = atypia(BethesdaCategory.II, GeneratorSettings.defaults());
        double[] malignant = atypia(BethesdaCategory.VI, GeneratorSettings.defaults());
        assertTrue(shareAbove(benign, percentile(malignant, 0.25)) > 0.05, "coarse atypia must overlap");
        double[] benignFine = fineAtypia(BethesdaCategory.II);
        double[] atypiaFine = fineAtypia(BethesdaCategory.III);
        double[] suspiciousFine = fineAtypia(BethesdaCategory.V);
        double[] malignantFine = fineAtypia(BethesdaCategory.VI);
        assertTrue(percentile(benignFine, 0.99) < percentile(atypiaFine, 0.01), "II and III apart in fine atypia");
        assertTrue(mean(atypiaFine) < mean(suspiciousFine) && mean(suspiciousFine) < mean(malignantFine));
        assertTrue(percentile(suspiciousFine, 0.99) < percentile(malignantFine, 0.5), "V mostly below VI");
    }

    @Test
    void zeroClassOverlapSeparatesTheCategories() {
        GeneratorSettings separated = new GeneratorSettings(0, 1, 1, 3);
        double[] benign = atypia(BethesdaCategory.II, separated);
        double[] atypia = atypia(BethesdaCategory.III, separated);
        assertTrue(percentile(benign, 1.0) < percentile(atypia, 0.0));
    }

    @Test
    void suspiciousAndAtypiaCasesAlwaysShowAnAtypicalGroup() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            for (BethesdaCategory category : new BethesdaCategory[] {BethesdaCategory.III, BethesdaCategory.V}) {
                Morphology morphology = Morphology.sample(category, GeneratorSettings.defaults(), rng);
                assertTrue(morphology.atypicalGroups() >= 1);
                assertTrue(morphology.atypicalGroups() < morphology.groupCount() || morphology.groupCount() == 1,
                        "atypia in III and V is focal, not in every group");
            }
        }
    }

    private static double[] atypia(BethesdaCategory category, GeneratorSettings settings) {
        SplittableRandom rng = new SplittableRandom(17);
        double[] values = new double[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            values[i] = Morphology.sample(category, settings, rng).atypia();
        }
        Arrays.sort(values);
        return values;
    }

    private static double[] fineAtypia(BethesdaCategory category) {
        SplittableRandom rng = new SplittableRandom(23);
        double[] values = new double[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            values[i] = Morphology.sample(category, GeneratorSettings.defaults(), rng).fineAtypia();
        }
        Arrays.sort(values);
        return values;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    private static double percentile(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    private static double shareBelow(double[] values, double threshold) {
        return Arrays.stream(values).filter(v -> v < threshold).count() / (double) values.length;
    }

    private static double shareAbove(double[] values, double threshold) {
        return Arrays.stream(values).filter(v -> v > threshold).count() / (double) values.length;
    }
}
