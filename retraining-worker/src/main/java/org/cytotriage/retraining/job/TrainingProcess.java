package org.cytotriage.retraining.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * training/ run as a job: here a child process on Debian's PyTorch (the same interpreter the build's
 * training smoke run uses), in deploy/ the same command in a Kubernetes Job's pod. Its progress file
 * (JSON lines, one per stage and per epoch) is read while it runs and handed on line by line; its
 * output goes to a log file in the job's directory, whose tail is the reason when it fails.
 */
public final class TrainingProcess {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrainingProcess() {
    }

    /** Thrown when the worker is stopping: the job did not end, and its request is to be taken again. */
    public static final class InterruptedException extends RuntimeException {
        InterruptedException(String message) {
            super(message);
        }
    }

    /** Thrown when the process ends with another status than 0: the reason is the log's tail. */
    public static final class FailedException extends RuntimeException {
        FailedException(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code python -B -m <module> <arguments>} in {@code trainingDirectory} and returns when it has
     * ended well; each new line of {@code progress} goes to {@code onProgress} as it is written.
     */
    public static void run(String python, Path trainingDirectory, String module, List<String> arguments, Path progress, Path log,
            Consumer<JsonNode> onProgress) {
        List<String> command = new ArrayList<>(List.of(python, "-B", "-m", module));
        command.addAll(arguments);
        try {
            Files.deleteIfExists(progress);
            Process process = new ProcessBuilder(command).directory(trainingDirectory.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            int read = 0;
            try {
                while (!process.waitFor(500, TimeUnit.MILLISECONDS)) {
                    read = handOn(progress, read, onProgress);
                }
            } catch (java.lang.InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new InterruptedException(module + " stopped with the worker");
            }
            handOn(progress, read, onProgress);
            if (process.exitValue() != 0) {
                throw new FailedException(module + " ended with status " + process.exitValue() + ": " + tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        }
    }

    /** Hands on the complete lines after the first {@code done}; returns how many lines have been handed on. */
    private static int handOn(Path progress, int done, Consumer<JsonNode> onProgress) throws IOException {
        if (!Files.exists(progress)) {
            return done;
        }
        String text = Files.readString(progress, StandardCharsets.UTF_8);
        // A line still being written has no newline yet: it waits for the next read.
        int end = text.lastIndexOf('\n');
        List<String> lines = end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
        for (int i = done; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                onProgress.accept(JSON.readTree(lines.get(i)));
            }
        }
        return Math.max(done, lines.size());
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }
}
