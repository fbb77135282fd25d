package org.cytotriage.benchmarks;

import java.util.List;

import picocli.CommandLine.Option;

/** The options of the benchmarks that load the shipped models through the stack: which models, and how many images. */
final class ModelLoads {

    @Option(names = "--models", split = ",", defaultValue = "basic,premium", description = "basic and/or premium")
    List<String> models;

    @Option(names = "--scale", defaultValue = "1", description = "multiplies the image counts (0.2 for a quick look)")
    double scale;

    /** {@code count} images at this run's scale, at least 4. */
    int scaled(int count) {
        return Math.max(4, (int) Math.round(count * scale));
    }
}
