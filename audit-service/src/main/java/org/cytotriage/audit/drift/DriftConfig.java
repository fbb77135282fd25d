package org.cytotriage.audit.drift;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "cytotriage.audit.drift")
public interface DriftConfig {

    /** The recent predictions compared with the card: those of the last window. */
    @WithDefault("P30D")
    Duration window();

    /** Population stability index above which the class mix or the confidence has drifted (0.25: a major shift, by convention). */
    @WithDefault("0.25")
    double psiThreshold();

    /** Fewer predictions in the window than this: too few to judge drift. */
    @WithDefault("200")
    int minPredictions();

    /** Macro-F1 on confirmed cases this far below the card's: performance has dropped. */
    @WithDefault("0.10")
    double maxMacroF1Drop();

    /** Fewer confirmed cases in the window than this: too few to judge performance. */
    @WithDefault("30")
    int minConfirmedCases();

    /** A week's share of images not assessed this far above the card's test set: the images have shifted. */
    @WithDefault("0.10")
    double maxNotAssessableRise();

    /** A week's mean out-of-distribution score this many times the card's test set's: the images have shifted. */
    @WithDefault("2.0")
    double maxOutOfDistributionRatio();

    /**
     * A week's mean of an image measure's logarithm this many training standard deviations from the
     * training images' mean (a standardised mean difference): the images have shifted. 0.75: a week of
     * site A smears in equal numbers of each Bethesda category (not the training mix) came to 0.48 on
     * contrast and focus; two thirds of site B smears to 0.86-1.48 (local-stack EndToEndTest).
     */
    @WithDefault("0.75")
    double maxMeasureShift();

    /** Fewer images in a hospital's week than this: too few to judge a shift. */
    @WithDefault("30")
    int minWeeklyImages();

    /** How often the drift gauges are recomputed. */
    @WithDefault("5m")
    String refreshEvery();
}
