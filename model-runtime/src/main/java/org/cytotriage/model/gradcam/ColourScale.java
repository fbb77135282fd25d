package org.cytotriage.model.gradcam;

import java.awt.Color;

/**
 * The heatmap colour scale: dark blue through cyan, green and yellow to red, as Grad-CAM figures
 * are usually drawn (a jet-like scale), so cytopathologists read "red = strongest evidence".
 */
final class ColourScale {

    private static final float[] STOPS = {0f, 0.25f, 0.5f, 0.75f, 1f};
    private static final Color[] COLOURS = {new Color(0, 0, 143), new Color(0, 160, 255), new Color(40, 220, 80),
            new Color(255, 220, 0), new Color(220, 0, 0)};

    private ColourScale() {
    }

    /** The colour of a value 0..1 (clamped), linear between the stops. */
    static Color at(float value) {
        float v = Math.max(0f, Math.min(1f, value));
        int i = 0;
        while (i < STOPS.length - 2 && v > STOPS[i + 1]) {
            i++;
        }
        float t = (v - STOPS[i]) / (STOPS[i + 1] - STOPS[i]);
        Color a = COLOURS[i];
        Color b = COLOURS[i + 1];
        return new Color(Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
    }
}
