package org.cytotriage.synthetic;

/**
 * A separable 3x3 box blur on an interleaved RGB float image, edges clamped. Repeated passes
 * approach a Gaussian; it stands for the softer optics of another site's microscope.
 */
final class BoxBlur {

    private BoxBlur() {
    }

    static void blur3x3(float[] rgb, int width, int height) {
        int stride = 3 * width;
        float[] original = new float[stride];
        for (int y = 0; y < height; y++) {
            int base = y * stride;
            System.arraycopy(rgb, base, original, 0, stride);
            for (int i = 0; i < stride; i++) {
                int left = i >= 3 ? i - 3 : i;
                int right = i + 3 < stride ? i + 3 : i;
                rgb[base + i] = (original[left] + original[i] + original[right]) * (1f / 3f);
            }
        }
        // Vertical pass row by row (cache friendly), keeping unmodified copies of the rows above.
        float[] above = new float[stride];
        float[] current = new float[stride];
        System.arraycopy(rgb, 0, current, 0, stride);
        System.arraycopy(rgb, 0, above, 0, stride);
        for (int y = 0; y < height; y++) {
            int base = y * stride;
            int belowBase = Math.min(y + 1, height - 1) * stride;
            for (int i = 0; i < stride; i++) {
                rgb[base + i] = (above[i] + current[i] + rgb[belowBase + i]) * (1f / 3f);
            }
            float[] spare = above;
            above = current;
            current = spare;
            System.arraycopy(rgb, belowBase, current, 0, stride);
        }
    }
}
