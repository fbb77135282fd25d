package org.cytotriage.model.assess;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.reference.ReferenceCases;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.ModelOutput;
import org.cytotriage.synthetic.ImageEncoding;
import org.cytotriage.synthetic.Site;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.cytotriage.synthetic.ood.NonSmears;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shipped models' assessability profiles and conformal thresholds, on images the profiles were
 * not fitted on: smears pass, things that are not smears are refused with a reason, and the
 * prediction sets keep their coverage. Synthetic data only: NOT FOR CLINICAL USE.
 */
class AssessabilityGateTest {

    private static final List<NonSmears.Kind> NOT_SMEARS = List.of(NonSmears.Kind.BLACK, NonSmears.Kind.WHITE,
            NonSmears.Kind.GREY, NonSmears.Kind.TRANSPARENT, NonSmears.Kind.GRADIENT, NonSmears.Kind.NOISE,
            NonSmears.Kind.HEAVY_BLUR, NonSmears.Kind.OTHER_STAIN, NonSmears.Kind.NO_CELLS, NonSmears.Kind.TEXT_PAGE,
            NonSmears.Kind.DRAWING);

    @ParameterizedTest
    @ValueSource(strings = {ShippedModels.BASIC, ShippedModels.PREMIUM, ShippedModels.MOBILENET})
    void theReferenceSmearsAreAssessable(String model) throws IOException {
        try (LoadedModel loaded = LoadedModel.load(ShippedModels.directory(model), 2)) {
            for (ReferenceCases.Case c : ReferenceCases.read(ShippedModels.directory(model)).cases()) {
                Verdict verdict = run(loaded, ImageDecoder.decode(Files.readAllBytes(c.png()))).verdict();
                assertThat(verdict.assessable()).as("%s on %s: %s", model, c.png().getFileName(), verdict.reasons()).isTrue();
                assertThat(verdict.reasons()).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {ShippedModels.BASIC, ShippedModels.PREMIUM, ShippedModels.MOBILENET})
    void imagesThatAreNotSmearsAreNotAssessableAndSayWhy(String model) {
        NonSmears corpus = new NonSmears();
        try (LoadedModel loaded = LoadedModel.load(ShippedModels.directory(model), 2)) {
            for (NonSmears.Kind kind : NOT_SMEARS) {
                // Through the bytes a scanner would send: JPEG, or PNG where the image has alpha.
                BufferedImage drawn = corpus.draw(kind, 9001);
                byte[] bytes = kind == NonSmears.Kind.TRANSPARENT ? ImageEncoding.png(drawn) : ImageEncoding.jpeg(drawn);
                Verdict verdict = run(loaded, ImageDecoder.decode(bytes)).verdict();
                assertThat(verdict.assessable()).as("%s on %s (score %.2f, %s)", model, kind, verdict.outOfDistribution(),
                        verdict.measures()).isFalse();
                assertThat(verdict.reasons()).as("%s on %s", model, kind).isNotEmpty();
            }
        }
    }

    @Test
    void anAllBlackFrameIsCalledBlankNotMalignant() {
        try (LoadedModel loaded = LoadedModel.load(ShippedModels.directory(ShippedModels.BASIC), 2)) {
            Verdict verdict = run(loaded, new NonSmears().draw(NonSmears.Kind.BLACK, 1)).verdict();
            assertThat(verdict.assessable()).isFalse();
            assertThat(verdict.reasons()).anySatisfy(reason -> assertThat(reason).startsWith("blank"));
        }
    }

    /**
     * Split conformal guarantees each group's coverage on new images from the calibration
     * distribution: 40 fresh site A cases per group (seeds the model never saw), at the 90 % target.
     * With 40 cases a group's coverage falls below 0.75 with probability under 0.1 %.
     */
    @Test
    void theBasicModelsPredictionSetsCoverEachGroupOnFreshSiteASmears() {
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        Map<TreatmentGroup, int[]> covered = new EnumMap<>(TreatmentGroup.class);
        int setSizes = 0;
        int cases = 0;
        try (LoadedModel loaded = LoadedModel.load(ShippedModels.directory(ShippedModels.BASIC), 2)) {
            ConformalSets sets = ConformalSets.of(loaded.card(), 0.90);
            for (TreatmentGroup group : TreatmentGroup.values()) {
                List<BethesdaCategory> categories = new ArrayList<>();
                for (BethesdaCategory category : BethesdaCategory.values()) {
                    if (category.group() == group) {
                        categories.add(category);
                    }
                }
                int[] counts = new int[2];
                for (int i = 0; i < 40; i++) {
                    BufferedImage image = generator.generate(880_000L + 100 * group.ordinal() + i, categories.get(i % categories.size()),
                            Site.SITE_A).image();
                    ModelOutput output = run(loaded, image);
                    Set<TreatmentGroup> set = sets.of(output.probabilities(loaded.card().calibration().temperature()));
                    counts[0] += set.contains(group) ? 1 : 0;
                    counts[1]++;
                    setSizes += set.size();
                    cases++;
                }
                covered.put(group, counts);
            }
        }
        System.out.printf("conformal 0.90 on fresh site A smears: %s, mean set size %.2f%n",
                covered.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()[0] + "/" + e.getValue()[1]).toList(),
                (double) setSizes / cases);
        covered.forEach((group, counts) -> assertThat(counts[0] / (double) counts[1]).as("coverage of %s", group).isGreaterThanOrEqualTo(0.75));
        assertThat((double) setSizes / cases).as("mean set size").isLessThan(2.0);
    }

    private static ModelOutput run(LoadedModel loaded, BufferedImage image) {
        return loaded.run(List.of(ModelInputs.of(image, loaded.card()))).get(0);
    }
}
