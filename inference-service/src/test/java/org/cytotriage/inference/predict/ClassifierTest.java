package org.cytotriage.inference.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;

import jakarta.inject.Inject;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.model.preprocess.UndecodableImageException;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.synthetic.ImageEncoding;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.cytotriage.synthetic.ood.NonSmears;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
class ClassifierTest {

    @Inject
    Classifier classifier;

    @Test
    void predictsCalibratedProbabilitiesAndClassActivationMapsNamingTheModel() {
        byte[] jpeg = new SyntheticCytologyGenerator().generate(7, BethesdaCategory.VI).jpegBytes();

        Prediction prediction = classifier.predict(jpeg);

        assertThat(Arrays.stream(prediction.probabilities()).sum()).isCloseTo(1.0, within(1e-9));
        assertThat(prediction.probabilities()[prediction.group().ordinal()])
                .isEqualTo(Arrays.stream(prediction.probabilities()).max().orElseThrow());
        assertThat(prediction.model().name()).isEqualTo("thyroideffi-basic");
        assertThat(prediction.model().sha256()).hasSize(64);
        assertThat(prediction.mapRows()).as("the shipped Basic network's last feature map").isEqualTo(14);
        assertThat(prediction.mapCols()).isEqualTo(14);
        assertThat(prediction.activationMaps()).hasNumberOfRows(1);
        assertThat(prediction.activationMaps()[0]).hasDimensions(3, 14 * 14);
    }

    @Test
    void differentImagesGiveDifferentOutputs() {
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        double[] benign = classifier.predict(generator.generate(1, BethesdaCategory.II).pngBytes()).probabilities();
        double[] malignant = classifier.predict(generator.generate(2, BethesdaCategory.VI).pngBytes()).probabilities();
        assertThat(benign).isNotEqualTo(malignant);
    }

    /** The shipped model was trained on synthetic smears: unseen clear-cut ones come out right. */
    @Test
    void tellsUnseenBenignAndMalignantSyntheticSmearsApart() {
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        int correct = 0;
        for (long seed = 1; seed <= 5; seed++) {
            correct += classifier.predict(generator.generate(seed, BethesdaCategory.II).jpegBytes()).group()
                    == TreatmentGroup.BENIGN ? 1 : 0;
            correct += classifier.predict(generator.generate(seed, BethesdaCategory.VI).jpegBytes()).group()
                    == TreatmentGroup.MALIGNANT ? 1 : 0;
        }
        assertThat(correct).as("correct of 10").isGreaterThanOrEqualTo(9);
    }

    /** What the issue found: an all-black frame was MALIGNANT at 0.997 and not flagged. */
    @Test
    void anAllBlackJpegIsNotAssessableFlaggedAndSaysWhy() {
        byte[] black = ImageEncoding.jpeg(new NonSmears().draw(NonSmears.Kind.BLACK, 1));

        Prediction prediction = classifier.predict(black);

        assertThat(prediction.verdict().assessable()).isFalse();
        assertThat(prediction.verdict().reasons()).isNotEmpty();
        assertThat(prediction.flaggedForReview()).isTrue();
    }

    @Test
    void aSmearIsAssessableAndItsPredictionSetHoldsItsGroupAtTheConfiguredCoverage() {
        byte[] smear = new SyntheticCytologyGenerator().generate(3, BethesdaCategory.II).jpegBytes();

        Prediction prediction = classifier.predict(smear);

        assertThat(prediction.verdict().assessable()).as("%s", prediction.verdict().reasons()).isTrue();
        assertThat(prediction.setCoverage()).isEqualTo(0.90);
        assertThat(prediction.predictionSet()).contains(prediction.group());
        assertThat(prediction.flaggedForReview()).isEqualTo(prediction.predictionSet().size() != 1
                || Arrays.stream(prediction.probabilities()).max().orElseThrow() < 0.6);
    }

    @Test
    void bytesThatAreNoImageAreRefusedAsUndecodable() {
        assertThatThrownBy(() -> classifier.predict(new byte[] {1, 2, 3, 4})).isInstanceOf(UndecodableImageException.class);
    }
}
