package org.cytotriage.synthetic;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * The smear as optical density per pixel and RGB channel. Painters deposit stain; {@link #develop}
 * turns the absorbance into the photograph (lamp, vignetting, optics blur, camera noise).
 */
final class StainCanvas {

    // exp(-od) by table: one entry per 1/256 of optical density.
    private static final int LUT_STEPS_PER_UNIT = 256;
    private static final float MAX_DENSITY = 12f;
    private static final float[] TRANSMISSION = transmissionTable();

    private final int width;
    private final int height;
    private final float[] density;

    StainCanvas(int width, int height) {
        this.width = width;
        this.height = height;
        this.density = new float[3 * width * height];
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Adds {@code amount} of {@code stain} at a pixel; the caller keeps (x, y) inside the canvas. */
    void deposit(int x, int y, Stain stain, float amount) {
        int i = 3 * (y * width + x);
        density[i] += stain.r() * amount;
        density[i + 1] += stain.g() * amount;
        density[i + 2] += stain.b() * amount;
    }

    /**
     * Photographs the smear. Consumes the canvas: the density buffer is reused for the light.
     *
     * @param illumination lamp brightness through empty glass (1 = full scale)
     * @param blurPasses 3x3 box-blur passes (optical softness of the site's microscope)
     * @param noiseLevels camera noise amplitude in 8-bit grey levels
     * @param noiseSalt varies the camera noise between cases
     */
    BufferedImage develop(double illumination, int blurPasses, float noiseLevels, int noiseSalt) {
        float[] light = transmitInPlace(illumination);
        for (int pass = 0; pass < blurPasses; pass++) {
            BoxBlur.blur3x3(light, width, height);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                float noise = noiseLevels * PixelNoise.signed(x, y, noiseSalt) + 0.5f;
                pixels[p] = quantize(light[3 * p], noise) << 16
                        | quantize(light[3 * p + 1], noise) << 8
                        | quantize(light[3 * p + 2], noise);
            }
        }
        return image;
    }

    /** Intensities in 0..255 per channel; a mild vignette darkens the corners like a real objective. */
    private float[] transmitInPlace(double illumination) {
        float cx = width / 2f;
        float cy = height / 2f;
        float inverseRadiusSquared = 1f / (cx * cx + cy * cy);
        float full = (float) (255 * illumination);
        for (int y = 0; y < height; y++) {
            float dy = y - cy;
            for (int x = 0; x < width; x++) {
                float dx = x - cx;
                float lamp = full * (1f - 0.07f * (dx * dx + dy * dy) * inverseRadiusSquared);
                int i = 3 * (y * width + x);
                density[i] = lamp * transmission(density[i]);
                density[i + 1] = lamp * transmission(density[i + 1]);
                density[i + 2] = lamp * transmission(density[i + 2]);
            }
        }
        return density;
    }

    // Nearest table entry: a step of 1/256 in density changes the intensity by under half a grey level.
    private static float transmission(float od) {
        int index = (int) (od * LUT_STEPS_PER_UNIT + 0.5f);
        return TRANSMISSION[Math.max(0, Math.min(index, TRANSMISSION.length - 1))];
    }

    // Truncation after adding 0.5 (folded into the noise) rounds; cheaper than Math.round.
    private static int quantize(float value, float noisePlusHalf) {
        return Math.max(0, Math.min(255, (int) (value + noisePlusHalf)));
    }

    private static float[] transmissionTable() {
        int entries = (int) (MAX_DENSITY * LUT_STEPS_PER_UNIT) + 1;
        float[] table = new float[entries];
        for (int i = 0; i < entries; i++) {
            table[i] = (float) StrictMath.exp(-(double) i / LUT_STEPS_PER_UNIT);
        }
        return table;
    }
}
