package org.cytotriage.model.assess;

import java.util.List;

/**
 * Whether the model may answer for an image: assessable, or not with the reasons.
 *
 * @param outOfDistribution the image's feature score ({@link AssessabilityProfile#outOfDistribution})
 */
public record Verdict(boolean assessable, List<String> reasons, double outOfDistribution, ImageMeasures measures) {
}
