package org.cytotriage.model.preprocess;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;

/**
 * An image's RGB values on the 0..1 scale. The two types decoders give for colour photos (ImageIO's
 * JPEG reader: 3-byte BGR; our generator: int RGB) are read in place from their rasters: the
 * bilinear resize samples them directly, with no float copy of the whole image (9.4 MB for
 * 1024x768, measured to matter under load). Other types, and stretched images, are held as floats,
 * channels first.
 */
final class Pixels {

    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};
    private static final float[] UNIT = unitTable();

    private final int width;
    private final int height;
    private final byte[] bgr;
    private final int[] rgb;
    private final float[] chw;

    private Pixels(int width, int height, byte[] bgr, int[] rgb, float[] chw) {
        this.width = width;
        this.height = height;
        this.bgr = bgr;
        this.rgb = rgb;
        this.chw = chw;
    }

    /** Any BufferedImage type (RGB, BGR, grey, indexed, with alpha), with the values of its sRGB view. */
    static Pixels of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (isPacked(image, BufferedImage.TYPE_3BYTE_BGR)) {
            return new Pixels(w, h, ((DataBufferByte) image.getRaster().getDataBuffer()).getData(), null, null);
        }
        if (isPacked(image, BufferedImage.TYPE_INT_RGB)) {
            return new Pixels(w, h, null, ((DataBufferInt) image.getRaster().getDataBuffer()).getData(), null);
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        int plane = w * h;
        float[] chw = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            chw[i] = UNIT[(p >> 16) & 0xFF];
            chw[plane + i] = UNIT[(p >> 8) & 0xFF];
            chw[2 * plane + i] = UNIT[p & 0xFF];
        }
        return new Pixels(w, h, null, null, chw);
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Channel 0 = red, 1 = green, 2 = blue, on the 0..1 scale. */
    float get(int channel, int x, int y) {
        if (bgr != null) {
            return UNIT[bgr[(y * width + x) * 3 + 2 - channel] & 0xFF];
        }
        if (rgb != null) {
            return UNIT[(rgb[y * width + x] >> (16 - 8 * channel)) & 0xFF];
        }
        return chw[(channel * height + y) * width + x];
    }

    /** Bilinear stretch to another size, kept in floats (training does not round back to 8 bits). */
    Pixels stretched(int outW, int outH) {
        float[] out = new float[3 * outW * outH];
        resize(0, 0, width, height, outW, outH, ZERO, ONE, out, 0);
        return new Pixels(outW, outH, null, null, out);
    }

    /**
     * Bilinear resize of the region [x0, x0 + w) x [y0, y0 + h) to outW x outH, then (x - mean) / std,
     * written channels first into out[offset..].
     */
    void resize(int x0, int y0, int w, int h, int outW, int outH, float[] mean, float[] std, float[] out, int offset) {
        Bilinear.Axis xs = Bilinear.Axis.of(w, outW);
        Bilinear.Axis ys = Bilinear.Axis.of(h, outH);
        int plane = outW * outH;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < outH; y++) {
                int top = y0 + ys.low(y);
                int bottom = y0 + ys.high(y);
                float wy = ys.weight(y);
                for (int x = 0; x < outW; x++) {
                    int left = x0 + xs.low(x);
                    int right = x0 + xs.high(x);
                    float wx = xs.weight(x);
                    float upper = get(c, left, top) * (1 - wx) + get(c, right, top) * wx;
                    float lower = get(c, left, bottom) * (1 - wx) + get(c, right, bottom) * wx;
                    out[offset + c * plane + y * outW + x] = (upper * (1 - wy) + lower * wy - mean[c]) / std[c];
                }
            }
        }
    }

    /** Of that type, with the raster covering exactly the image (not a sub-image view of a bigger one). */
    private static boolean isPacked(BufferedImage image, int type) {
        var raster = image.getRaster();
        return image.getType() == type && raster.getParent() == null
                && raster.getDataBuffer().getNumBanks() == 1
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && raster.getDataBuffer().getSize() == image.getWidth() * image.getHeight() * (type == BufferedImage.TYPE_3BYTE_BGR ? 3 : 1);
    }

    private static float[] unitTable() {
        float[] table = new float[256];
        for (int i = 0; i < 256; i++) {
            table[i] = i / 255f;
        }
        return table;
    }
}
