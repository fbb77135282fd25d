package org.cytotriage.model.assess;

import org.cytotriage.model.card.ModelCard;

/**
 * Cheap measures of whether an image looks like a smear at all, taken on the model's own
 * whole-image view (the first view of its input, at the model's resolution): no second decode or
 * resize, and the same pixels the model sees. The limits a smear's measures lie within are fitted
 * by {@code training/} on the model's training images ({@link AssessabilityProfile}); this class is
 * the one place they are computed, and {@code training/} reads the values the Java runtime dumps
 * rather than computing them again.
 *
 * @param coverage share of pixels that carry stain: coloured (chroma above {@value #STAINED_CHROMA})
 *        or clearly darker than the image's background (its 90th luminance percentile); a blank
 *        frame, a black frame or a field without cells has almost none
 * @param contrast standard deviation of the luminance (0..1): a nearly uniform image has almost none
 * @param focus variance of the 4-neighbour Laplacian of the luminance: falls with blur, and is far
 *        above any smear's for noise
 * @param chroma mean chroma (max - min of RGB) of the stained pixels: a smear's stain is coloured, a
 *        text page or a grey drawing is not
 * @param redness mean red minus green of the stained pixels, and
 * @param blueness mean blue minus green: where the stain's hue lies (Diff-Quik's purples and pinks are
 *        above green in both); another stain's colours move them where chroma alone would not tell
 */
public record ImageMeasures(double coverage, double contrast, double focus, double chroma, double redness, double blueness) {

    static final double STAINED_CHROMA = 0.08;
    static final double DARKER_THAN_BACKGROUND = 0.15;

    /** The measures of one model input made by {@code ModelInputs.of} for this card. */
    public static ImageMeasures of(float[] input, ModelCard card) {
        ModelCard.Preprocessing spec = card.preprocessing();
        int w = spec.width();
        int h = spec.height();
        int plane = w * h;
        float[] mean = spec.mean();
        float[] std = spec.std();
        float[] luminance = new float[plane];
        float[] chroma = new float[plane];
        int[] histogram = new int[256];
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < plane; i++) {
            // Back to 0..1 RGB: the input is (x - mean) / std.
            float r = input[i] * std[0] + mean[0];
            float g = input[plane + i] * std[1] + mean[1];
            float b = input[2 * plane + i] * std[2] + mean[2];
            float y = 0.299f * r + 0.587f * g + 0.114f * b;
            luminance[i] = y;
            chroma[i] = Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b));
            histogram[Math.min(255, Math.max(0, Math.round(y * 255)))]++;
            sum += y;
            sumSquares += (double) y * y;
        }
        double background = percentile(histogram, plane, 0.90);
        int stained = 0;
        double stainedChroma = 0;
        double red = 0;
        double blue = 0;
        for (int i = 0; i < plane; i++) {
            if (chroma[i] > STAINED_CHROMA || luminance[i] < background - DARKER_THAN_BACKGROUND) {
                stained++;
                stainedChroma += chroma[i];
                float g = input[plane + i] * std[1] + mean[1];
                red += input[i] * std[0] + mean[0] - g;
                blue += input[2 * plane + i] * std[2] + mean[2] - g;
            }
        }
        double meanLuminance = sum / plane;
        double contrast = Math.sqrt(Math.max(0, sumSquares / plane - meanLuminance * meanLuminance));
        return new ImageMeasures((double) stained / plane, contrast, laplacianVariance(luminance, w, h),
                stained == 0 ? 0 : stainedChroma / stained, stained == 0 ? 0 : red / stained, stained == 0 ? 0 : blue / stained);
    }

    /** The value of a measure by its name in the profile. */
    public double value(Measure measure) {
        return switch (measure) {
            case COVERAGE -> coverage;
            case CONTRAST -> contrast;
            case FOCUS -> focus;
            case CHROMA -> chroma;
            case REDNESS -> redness;
            case BLUENESS -> blueness;
        };
    }

    /** The measures, by the names the profile's limits use. */
    public enum Measure {
        COVERAGE, CONTRAST, FOCUS, CHROMA, REDNESS, BLUENESS
    }

    private static double percentile(int[] histogram, int count, double share) {
        long target = (long) Math.ceil(share * count);
        long seen = 0;
        for (int level = 0; level < histogram.length; level++) {
            seen += histogram[level];
            if (seen >= target) {
                return level / 255.0;
            }
        }
        return 1.0;
    }

    private static double laplacianVariance(float[] y, int w, int h) {
        double sum = 0;
        double sumSquares = 0;
        int n = 0;
        for (int row = 1; row < h - 1; row++) {
            for (int col = 1; col < w - 1; col++) {
                int i = row * w + col;
                double laplacian = y[i - 1] + y[i + 1] + y[i - w] + y[i + w] - 4.0 * y[i];
                sum += laplacian;
                sumSquares += laplacian * laplacian;
                n++;
            }
        }
        double mean = sum / n;
        return sumSquares / n - mean * mean;
    }
}
