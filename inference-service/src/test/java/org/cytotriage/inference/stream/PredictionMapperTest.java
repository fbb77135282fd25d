package org.cytotriage.inference.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.events.FloatArrays;
import org.cytotriage.events.v1.ActivationMaps;
import org.cytotriage.events.v1.AssessabilityVerdict;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.inference.predict.Prediction;
import org.cytotriage.model.assess.ImageMeasures;
import org.cytotriage.model.assess.Verdict;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.reference.ShippedModels;
import org.junit.jupiter.api.Test;

class PredictionMapperTest {

    private static final ImageReceived IMAGE = ImageReceived.newBuilder()
            .setEventId("e-1").setImageId("i-1").setCaseId("c-1").setHospitalId("h-1").setReceivedAt(Instant.now())
            .setImage(ImageRef.newBuilder().setKey("k").setSha256("0".repeat(64)).setMediaType("image/jpeg")
                    .setSizeBytes(1).setWidth(1024).setHeight(768).build())
            .setSource("test").build();

    @Test
    void premiumPredictionCarriesEveryTileViewsMapsRowByRowWithTheirGeometry() {
        ModelCard card = ModelCard.read(ShippedModels.directory(ShippedModels.PREMIUM));
        float[][][] maps = distinctMaps(card.viewCount());

        PredictionMade event = PredictionMapper.toEvent(IMAGE, prediction(card, maps));

        assertMaps(event.getActivationMaps(), maps[0]);
        var tiles = event.getTileActivationMaps();
        assertThat(tiles.getCanvasWidth()).isEqualTo(1024);
        assertThat(tiles.getCanvasHeight()).isEqualTo(768);
        assertThat(tiles.getTileSize()).isEqualTo(256);
        assertThat(tiles.getRows()).isEqualTo(3);
        assertThat(tiles.getColumns()).isEqualTo(4);
        assertThat(tiles.getTiles()).hasSize(12);
        for (int tile = 0; tile < 12; tile++) {
            assertMaps(tiles.getTiles().get(tile), maps[tile + 1]);
        }
    }

    @Test
    void singleViewPredictionCarriesNoTileMaps() {
        ModelCard card = ModelCard.read(ShippedModels.directory(ShippedModels.BASIC));
        float[][][] maps = distinctMaps(1);

        PredictionMade event = PredictionMapper.toEvent(IMAGE, prediction(card, maps));

        assertMaps(event.getActivationMaps(), maps[0]);
        assertThat(event.getTileActivationMaps()).isNull();
    }

    @Test
    void aNotAssessableImageCarriesItsVerdictReasonsAndMeasuresAndItsPredictionSet() {
        ModelCard card = ModelCard.read(ShippedModels.directory(ShippedModels.BASIC));
        Verdict blank = new Verdict(false, List.of("blank, or too few cells: coverage 0.0000 below 0.1000"), 41.5,
                new ImageMeasures(0.0, 0.001, 0.0002, 0.0, 0.0, 0.0));
        Prediction prediction = new Prediction(card, TreatmentGroup.MALIGNANT, new double[] {0.01, 0.02, 0.97}, 1.0, true,
                distinctMaps(1), 7, 7, 12.5, blank, EnumSet.of(TreatmentGroup.INDETERMINATE, TreatmentGroup.MALIGNANT), 0.9);

        PredictionMade event = PredictionMapper.toEvent(IMAGE, prediction);

        assertThat(event.getAssessment().getVerdict()).isEqualTo(AssessabilityVerdict.NOT_ASSESSABLE);
        assertThat(event.getAssessment().getReasons()).containsExactly("blank, or too few cells: coverage 0.0000 below 0.1000");
        assertThat(event.getAssessment().getOutOfDistribution()).isEqualTo(41.5);
        assertThat(event.getAssessment().getCoverage()).isEqualTo(0.0);
        assertThat(event.getAssessment().getFocus()).isEqualTo(0.0002);
        assertThat(event.getPredictionSet().getTargetCoverage()).isEqualTo(0.9);
        assertThat(event.getPredictionSet().getGroups()).containsExactly(
                org.cytotriage.events.v1.TreatmentGroup.INDETERMINATE, org.cytotriage.events.v1.TreatmentGroup.MALIGNANT);
        assertThat(event.getFlaggedForReview()).isTrue();
    }

    private static Prediction prediction(ModelCard card, float[][][] maps) {
        Verdict assessable = new Verdict(true, List.of(), 0.9, new ImageMeasures(0.5, 0.2, 0.01, 0.3, 0.1, 0.1));
        return new Prediction(card, TreatmentGroup.MALIGNANT, new double[] {0.1, 0.2, 0.7}, 1.0, false, maps, 7, 7, 12.5,
                assessable, EnumSet.of(TreatmentGroup.MALIGNANT), 0.9);
    }

    /** Every value tells its view, class and cell apart. */
    private static float[][][] distinctMaps(int views) {
        float[][][] maps = new float[views][3][49];
        for (int view = 0; view < views; view++) {
            for (int k = 0; k < 3; k++) {
                for (int cell = 0; cell < 49; cell++) {
                    maps[view][k][cell] = view * 1000 + k * 100 + cell;
                }
            }
        }
        return maps;
    }

    private static void assertMaps(ActivationMaps actual, float[][] expected) {
        assertThat(actual.getRows()).isEqualTo(7);
        assertThat(actual.getCols()).isEqualTo(7);
        assertThat(FloatArrays.toArray(actual.getBenign())).containsExactly(expected[0]);
        assertThat(FloatArrays.toArray(actual.getIndeterminate())).containsExactly(expected[1]);
        assertThat(FloatArrays.toArray(actual.getMalignant())).containsExactly(expected[2]);
    }
}
