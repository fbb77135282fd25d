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
        float[] input = new float[length(card)];
        Pixels pixels = Pixels.of(image);
        ModelCard.Views views = spec.views();
        if (views == null) {
            resize(pixels, 0, 0, pixels.width(), pixels.height(), spec, input, 0);
            return input;
        }
        if (pixels.width() != views.canvasWidth() || pixels.height() != views.canvasHeight()) {
            pixels = pixels.stretched(views.canvasWidth(), views.canvasHeight());
        }
        int viewLength = 3 * spec.height() * spec.width();
        resize(pixels, 0, 0, pixels.width(), pixels.height(), spec, input, 0);
        for (int row = 0; row < views.rows(); row++) {
            for (int col = 0; col < views.columns(); col++) {
                int view = 1 + row * views.columns() + col;
                resize(pixels, col * views.tile(), row * views.tile(), views.tile(), views.tile(), spec, input,
                        view * viewLength);
            }
        }
        return input;
    }

    private static void resize(Pixels src, int x0, int y0, int w, int h, ModelCard.Preprocessing spec, float[] input,
            int offset) {
        src.resize(x0, y0, w, h, spec.width(), spec.height(), spec.mean(), spec.std(), input, offset);
    }
}
