package org.cytotriage.ingest.validation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds on accepted images; they also guard against decompression bombs. */
@ConfigMapping(prefix = "cytotriage.ingest.limits")
public interface ImageLimits {

    /** Largest accepted upload. */
    @WithDefault("52428800")
    long maxBytes();

    @WithDefault("64")
    int minSide();

    @WithDefault("12000")
    int maxSide();

    /** Checked from the header before any pixel is decoded: a small file can declare a huge image. */
    @WithDefault("50000000")
    long maxPixels();
}
