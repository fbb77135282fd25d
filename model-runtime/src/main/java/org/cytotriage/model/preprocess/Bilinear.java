package org.cytotriage.model.preprocess;

/** Source coordinates of PyTorch's bilinear interpolation with {@code align_corners=False}. */
final class Bilinear {

    private Bilinear() {
    }

    /** For each output index along one axis: the two source indices and the weight of the second. */
    record Axis(int[] low, int[] high, float[] weight) {

        static Axis of(int inSize, int outSize) {
            int[] low = new int[outSize];
            int[] high = new int[outSize];
            float[] weight = new float[outSize];
            float scale = (float) inSize / outSize;
            for (int i = 0; i < outSize; i++) {
                // Half-pixel centres, clamped at 0 as PyTorch does (no negative source index).
                float source = Math.max(scale * (i + 0.5f) - 0.5f, 0f);
                int l = Math.min((int) source, inSize - 1);
                low[i] = l;
                high[i] = Math.min(l + 1, inSize - 1);
                weight[i] = source - l;
            }
            return new Axis(low, high, weight);
        }

        int low(int i) {
            return low[i];
        }

        int high(int i) {
            return high[i];
        }

        float weight(int i) {
            return weight[i];
        }
    }
}
