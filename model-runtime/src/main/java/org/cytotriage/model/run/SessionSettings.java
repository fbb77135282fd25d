package org.cytotriage.model.run;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * How ONNX Runtime runs one model: chosen by measurement ({@code docs/benchmarks.md}), set by
 * configuration.
 *
 * @param intraOpThreads threads one run may use
 * @param optimization graph optimisation level: NO_OPT, BASIC_OPT, EXTENDED_OPT or ALL_OPT
 * @param cpuArena whether ONNX Runtime keeps its CPU memory arena between runs
 * @param spinning whether idle intra-op threads spin waiting for work; off leaves the cores to the
 *        decoding threads that run beside the model
 */
public record SessionSettings(int intraOpThreads, OrtSession.SessionOptions.OptLevel optimization, boolean cpuArena,
        boolean spinning) {

    public SessionSettings {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1: " + intraOpThreads);
        }
    }

    /** Full graph optimisation, arena on, no spinning. */
    public static SessionSettings threads(int intraOpThreads) {
        return new SessionSettings(intraOpThreads, OrtSession.SessionOptions.OptLevel.ALL_OPT, true, false);
    }

    OrtSession.SessionOptions toOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(intraOpThreads);
        options.setOptimizationLevel(optimization);
        options.setCPUArenaAllocator(cpuArena);
        options.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
        return options;
    }
}
