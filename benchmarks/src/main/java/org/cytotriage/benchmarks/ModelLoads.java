package org.cytotriage.benchmarks;

import java.util.List;

import picocli.CommandLine.Option;

/** The options of the benchmarks that load the shipped models through the stack: which models, how many images, how many rounds. */
final class ModelLoads {

    @Option(names = "--models", split = ",", defaultValue = "basic,premium", description = "basic and/or premium")
    List<String> models;

    @Option(names = "--scale", defaultValue = "1", description = "multiplies the image counts (0.2 for a quick look)")
    double scale;

    @Option(names = "--rounds", defaultValue = "3", description = "measured rounds, each a baseline then the load it is "
            + "compared with, right after it; the ratio is the median of the rounds'")
    int rounds;

    /** The measured rounds, at least one. */
    int rounds() {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, was " + rounds);
        }
        return rounds;
    }

    /** {@code count} images at this run's scale, at least 4. */
    int scaled(int count) {
        return Math.max(4, (int) Math.round(count * scale));
    }
}
