package org.cytotriage.benchmarks;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The benchmark commands: {@code inference}, {@code pipeline}, {@code explain}, {@code assessability} and {@code record} (see docs/benchmarks.md). */
@Command(name = "run-benchmark", mixinStandardHelpOptions = true, subcommands = {InferenceBenchmark.class, PipelineBenchmark.class, ExplainBenchmark.class, AssessabilityBenchmark.class,
        RecordBenchmark.class},
        description = "Prints measured figures of this machine. Synthetic images only, NOT FOR CLINICAL USE.")
public final class Benchmarks {

    private Benchmarks() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Benchmarks()).execute(args));
    }
}
