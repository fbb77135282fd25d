package org.cytotriage.model.preprocess;

import java.awt.image.BufferedImage;

import org.cytotriage.model.card.ModelCard;

/**
 * Turns a decoded image into one model input exactly as training computes it
 * ({@code training/cytotriage_training/data.py}): RGB scaled to 0..1; for a multi-region model the
 * image stretched to the card's canvas first; each view (the whole image, then the tiles row by row)
 * stretched to width x height with plain bilinear interpolation (half-pixel centres, no
 * antialiasing: PyTorch's {@code interpolate(mode='bilinear', align_corners=False)}); then
 * (x - mean) / std, channels first. PIL's antialiased resize would differ by up to 0.17.
 */
public final class ModelInputs {

    private ModelInputs() {
    }

    /** Floats per image: views x 3 x height x width. */
    public static int length(ModelCard card) {
        ModelCard.Preprocessing spec = card.preprocessing();
        return card.viewCount() * 3 * spec.height() * spec.width();
    }

    /** The input of one image, [views][3][height][width] flattened. */
    public static float[] of(BufferedImage image, ModelCard card) {
        ModelCard.Preprocessing spec = card.preprocessing();
        ModelCard.Views views = spec.views();
        Pixels pixels = Pixels.of(image);
        if (views != null && (pixels.width() != views.canvasWidth() || pixels.height() != views.canvasHeight())) {
            pixels = pixels.stretched(views.canvasWidth(), views.canvasHeight());
        }
        float[] input = new float[length(card)];
        pixels.resize(0, 0, pixels.width(), pixels.height(), spec.width(), spec.height(), spec.mean(), spec.std(),
                input, 0);
        if (views != null) {
            int viewLength = 3 * spec.height() * spec.width();
            for (int tile = 0; tile < views.rows() * views.columns(); tile++) {
                int x0 = tile % views.columns() * views.tile();
                int y0 = tile / views.columns() * views.tile();
                pixels.resize(x0, y0, views.tile(), views.tile(), spec.width(), spec.height(), spec.mean(), spec.std(),
                        input, (1 + tile) * viewLength);
            }
        }
        return input;
    }
}
