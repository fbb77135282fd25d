package org.cytotriage.model.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PixelsTest {

    @ParameterizedTest
    @ValueSource(ints = {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB,
            BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_4BYTE_ABGR})
    void rastersReadInPlaceGiveTheSameValuesAsTheColourModel(int type) {
        BufferedImage image = noise(type, 37, 23);
        assertThat(values(Pixels.of(image))).containsExactly(viaGetRgb(image));
    }

    @ParameterizedTest
    @ValueSource(ints = {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB})
    void aSubImageSharingABiggerRasterIsReadThroughItsOwnWindow(int type) {
        BufferedImage part = noise(type, 40, 30).getSubimage(5, 7, 20, 11);
        assertThat(values(Pixels.of(part))).containsExactly(viaGetRgb(part));
    }

    private static float[] values(Pixels pixels) {
        int plane = pixels.width() * pixels.height();
        float[] chw = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < pixels.height(); y++) {
                for (int x = 0; x < pixels.width(); x++) {
                    chw[c * plane + y * pixels.width() + x] = pixels.get(c, x, y);
                }
            }
        }
        return chw;
    }

    private static BufferedImage noise(int type, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, type);
        SplittableRandom rng = new SplittableRandom(width * 31L + type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, 0xFF000000 | rng.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static float[] viaGetRgb(BufferedImage image) {
        int plane = image.getWidth() * image.getHeight();
        int[] argb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        float[] chw = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            chw[i] = ((argb[i] >> 16) & 0xFF) / 255f;
            chw[plane + i] = ((argb[i] >> 8) & 0xFF) / 255f;
            chw[2 * plane + i] = (argb[i] & 0xFF) / 255f;
        }
        return chw;
    }
}
