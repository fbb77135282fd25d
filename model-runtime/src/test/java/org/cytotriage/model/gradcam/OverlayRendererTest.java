package org.cytotriage.model.gradcam;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class OverlayRendererTest {

    @Test
    void coloursTheEvidenceLeavesTheRestAsItWasAndAddsALegend() throws IOException {
        BufferedImage grey = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grey.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, 400, 300);
        g.dispose();
        // 2x2 grid: all evidence in the bottom right cell
        Heatmap heatmap = new Heatmap(2, 2, new float[] {0f, 0f, 0f, 1f});

        BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(OverlayRenderer.png(grey, heatmap, "test", 1024)));

        assertThat(overlay.getWidth()).isEqualTo(400);
        assertThat(overlay.getHeight()).as("image and legend").isGreaterThan(300);
        Color hot = new Color(overlay.getRGB(390, 290));
        assertThat(hot.getRed()).as("strongest evidence is red").isGreaterThan(hot.getBlue() + 60);
        assertThat(overlay.getRGB(5, 5)).as("no evidence, no colour").isEqualTo(grey.getRGB(5, 5));
        Color legendStart = new Color(overlay.getRGB(14, 300 + 15));
        Color legendEnd = new Color(overlay.getRGB(12 + Math.min(256, 400 / 3) - 2, 300 + 15));
        assertThat(legendStart.getBlue()).as("the scale starts blue").isGreaterThan(legendStart.getRed());
        assertThat(legendEnd.getRed()).as("and ends red").isGreaterThan(legendEnd.getBlue());
    }

    @Test
    void aWideImageIsScaledDownKeepingItsAspect() throws IOException {
        BufferedImage wide = new BufferedImage(1024, 768, BufferedImage.TYPE_INT_RGB);

        BufferedImage overlay = ImageIO.read(new ByteArrayInputStream(
                OverlayRenderer.png(wide, new Heatmap(1, 1, new float[] {1f}), "test", 640)));

        assertThat(overlay.getWidth()).isEqualTo(640);
        assertThat(overlay.getHeight()).isGreaterThan(480);
    }

    @Test
    void colourScaleRunsFromBlueToRed() {
        assertThat(ColourScale.at(0f).getBlue()).isGreaterThan(ColourScale.at(0f).getRed());
        assertThat(ColourScale.at(1f).getRed()).isGreaterThan(ColourScale.at(1f).getBlue());
        assertThat(ColourScale.at(-1f)).isEqualTo(ColourScale.at(0f));
        assertThat(ColourScale.at(2f)).isEqualTo(ColourScale.at(1f));
    }
}
