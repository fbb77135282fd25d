package org.cytotriage.model.gradcam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RegionalHeatmapTest {

    @Test
    void placesEachTileWhereItLiesAndPeaksWhereTileAndWholeViewAgree() {
        // 2x3 tiles of 2x2 maps: a 4x6 grid. Evidence in tile (1, 2), bottom right cell; the whole
        // view (2x2) sees most in its bottom right quarter.
        float[][] tiles = new float[6][4];
        tiles[5][3] = 3f;
        tiles[0][0] = -5f; // negative evidence is no evidence
        float[] global = {0f, 0f, 0f, 2f};

        Heatmap heatmap = RegionalHeatmap.combine(global, tiles, 2, 2, 2, 3);

        assertThat(heatmap.rows()).isEqualTo(4);
        assertThat(heatmap.cols()).isEqualTo(6);
        int peak = argmax(heatmap.values());
        assertThat(peak).as("row 3, column 5").isEqualTo(3 * 6 + 5);
        assertThat(heatmap.values()[peak]).isEqualTo(1f);
        assertThat(heatmap.values()[0]).as("top left: no tile evidence, none from the whole view").isZero();
        for (float v : heatmap.values()) {
            assertThat(v).isBetween(0f, 1f);
        }
    }

    @Test
    void tileEvidenceAloneStillShowsWhereTheWholeViewSeesNothing() {
        float[][] tiles = new float[4][1];
        tiles[1][0] = 1f; // top right tile
        Heatmap heatmap = RegionalHeatmap.combine(new float[] {0f}, tiles, 1, 1, 2, 2);

        assertThat(heatmap.values()).containsExactly(0f, 1f, 0f, 0f);
    }

    @Test
    void interpolatesBetweenCellCentresAndHoldsTheEdges() {
        float[] fine = RegionalHeatmap.interpolate(new float[] {0f, 1f}, 1, 2, 1, 4);

        // centres of the 4 fine cells fall at 0.125, 0.375, 0.625, 0.875 of the width; the coarse centres at 0.25, 0.75
        assertThat(fine[0]).isZero();
        assertThat(fine[1]).isCloseTo(0.25f, within(1e-6f));
        assertThat(fine[2]).isCloseTo(0.75f, within(1e-6f));
        assertThat(fine[3]).isEqualTo(1f);
    }

    @Test
    void refusesAWrongNumberOfTiles() {
        assertThatThrownBy(() -> RegionalHeatmap.combine(new float[49], new float[11][49], 7, 7, 3, 4))
                .hasMessageContaining("needs 12 tile maps");
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
