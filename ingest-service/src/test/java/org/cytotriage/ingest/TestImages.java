package org.cytotriage.ingest;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.ImageIO;

/** Small real images for upload tests, distinct per seed so each test owns its image ids. */
public final class TestImages {

    private TestImages() {
    }

    public static byte[] encoded(String format, int seed) {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(236, 226, 230));
        g.fillRect(0, 0, 320, 240);
        g.setColor(new Color(90, 60, 150));
        for (int i = 0; i < 12; i++) {
            g.fillOval((seed * 37 + i * 53) % 300, (seed * 11 + i * 29) % 220, 14, 12);
        }
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
