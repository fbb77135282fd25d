package org.cytotriage.model.gradcam;

/** A Grad-CAM heatmap on a grid, row-major, scaled so its maximum is 1 (all zeros when nothing is positive). */
public record Heatmap(int rows, int cols, float[] values) {
}
