package org.cytotriage.model.preprocess;

import java.awt.image.BufferedImage;

/** An image's RGB values on the 0..1 scale, channels first: [channel][y][x] flattened. */
record Pixels(int width, int height, float[] chw) {

    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};

    /** Any BufferedImage type (RGB, BGR, grey, indexed, with alpha) through its sRGB view. */
    static Pixels of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        int plane = w * h;
        float[] chw = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            chw[i] = ((p >> 16) & 0xFF) / 255f;
            chw[plane + i] = ((p >> 8) & 0xFF) / 255f;
            chw[2 * plane + i] = (p & 0xFF) / 255f;
        }
        return new Pixels(w, h, chw);
    }

    float get(int channel, int x, int y) {
        return chw[(channel * height + y) * width + x];
    }

    /** Bilinear stretch to another size, kept in floats (training does not round back to 8 bits). */
    Pixels stretched(int outW, int outH) {
        float[] out = new float[3 * outW * outH];
        resize(0, 0, width, height, outW, outH, ZERO, ONE, out, 0);
        return new Pixels(outW, outH, out);
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
}
