package org.cytotriage.synthetic;

import java.awt.image.BufferedImage;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.bethesda.TreatmentGroup;

/**
 * One generated case: the 1024x768 RGB smear photograph, the mask of its diagnostic cells, and
 * the labels it was generated for. SYNTHETIC data, NOT FOR CLINICAL USE.
 *
 * @param image TYPE_INT_RGB, {@link SyntheticCytologyGenerator#WIDTH} x {@link SyntheticCytologyGenerator#HEIGHT}
 * @param mask the diagnostic cells, same size (empty for Bethesda I)
 * @param seed the seed that, with category, site and settings, reproduces the case exactly
 */
public record SyntheticCase(BufferedImage image, LesionMask mask, BethesdaCategory category, Site site, long seed,
        CaseStatistics statistics) {

    public TreatmentGroup group() {
        return category.group();
    }

    public byte[] pngBytes() {
        return ImageEncoding.png(image);
    }

    public byte[] jpegBytes() {
        return ImageEncoding.jpeg(image);
    }

    /** The mask as a 1-bit PNG, white where the diagnostic cells are. */
    public byte[] maskPngBytes() {
        return ImageEncoding.png(mask.toImage());
    }
}
