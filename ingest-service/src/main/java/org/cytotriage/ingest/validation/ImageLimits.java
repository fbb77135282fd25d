package org.cytotriage.ingest.validation;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Bounds on accepted images; they also guard against decompression bombs. */
@ConfigMapping(prefix = "cytotriage.ingest.limits")
public interface ImageLimits {

    /**
     * Largest accepted upload: the one size limit. The HTTP layer's body limit is set to it
     * (application.properties); a body declared larger is refused at the door
     * (upload.UploadAdmission), one sent without its length while it is read (IngestService),
     * both with the same 413 problem.
     */
    MemorySize maxBytes();

    @WithDefault("64")
    int minSide();

    @WithDefault("12000")
    int maxSide();

    /** Checked from the header before any pixel is decoded: a small file can declare a huge image. */
    @WithDefault("50000000")
    long maxPixels();
}
