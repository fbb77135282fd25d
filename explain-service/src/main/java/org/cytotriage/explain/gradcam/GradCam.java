package org.cytotriage.explain.gradcam;

/**
 * Grad-CAM from the class activation maps the model computes in its graph. At EfficientNet's last
 * feature layer (global average pooling, then one linear layer) the Grad-CAM weights are exactly
 * W[c,k] / (h*w), so the model's {@code class_activation_maps} output is the weighted sum of the
 * feature maps; Grad-CAM is its positive part. It is then scaled to 0..1 for display.
 */
public final class GradCam {

    private GradCam() {
    }

    public static Heatmap fromActivationMap(int rows, int cols, float[] classActivationMap) {
        if (classActivationMap.length != rows * cols) {
            throw new IllegalArgumentException("a " + rows + "x" + cols + " map needs " + rows * cols + " values, got " + classActivationMap.length);
        }
        float max = 0;
        float[] values = new float[classActivationMap.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.max(classActivationMap[i], 0);
            max = Math.max(max, values[i]);
        }
        if (max > 0) {
            for (int i = 0; i < values.length; i++) {
                values[i] /= max;
            }
        }
        return new Heatmap(rows, cols, values);
    }
}
