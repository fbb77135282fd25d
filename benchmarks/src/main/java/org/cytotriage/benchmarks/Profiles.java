package org.cytotriage.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import org.cytotriage.localstack.LocalStack;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where each service's Java CPU time went, from the Flight Recorder recordings its JVM wrote on
 * exit: the execution samples (threads running Java code; native code such as ONNX Runtime's
 * kernels is not in them, the CPU ledger has it) by the method on top, and by the first CytoTriage
 * method below it, which names the step of ours that library time is spent for.
 */
final class Profiles {

    private static final String OURS = "org.cytotriage.";

    private Profiles() {
    }

    /**
     * The JVM option that makes a service record into {@code directory} (a file per JVM, named by its
     * pid) and write it on exit; an earlier run's recordings there are removed.
     */
    static String recordingOption(Path directory) {
        try {
            Files.createDirectories(directory);
            try (Stream<Path> earlier = Files.list(directory)) {
                for (Path file : earlier.filter(file -> file.toString().endsWith(".jfr")).toList()) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + directory.toAbsolutePath();
    }

    /** Per recording in {@code directory}: its service and its {@code top} methods both ways, counting samples from {@code from} on. */
    static List<String> report(Path directory, Instant from, int top) throws IOException {
        List<String> lines = new ArrayList<>();
        List<Path> recordings;
        try (Stream<Path> files = Files.list(directory)) {
            recordings = files.filter(file -> file.toString().endsWith(".jfr")).sorted().toList();
        }
        for (Path recording : recordings) {
            Map<String, Integer> onTop = new HashMap<>();
            Map<String, Integer> ourStep = new HashMap<>();
            String service = "?";
            int samples = 0;
            try (RecordingFile file = new RecordingFile(recording)) {
                while (file.hasMoreEvents()) {
                    RecordedEvent event = file.readEvent();
                    String type = event.getEventType().getName();
                    if (type.equals("jdk.JVMInformation")) {
                        service = serviceOf(event.getString("javaArguments"));
                    } else if (type.equals("jdk.ExecutionSample") && !event.getStartTime().isBefore(from)
                            && event.getStackTrace() != null && !event.getStackTrace().getFrames().isEmpty()) {
                        samples++;
                        RecordedStackTrace stack = event.getStackTrace();
                        onTop.merge(method(stack.getFrames().get(0)), 1, Integer::sum);
                        ourStep.merge(stack.getFrames().stream().filter(frame -> frame.getMethod().getType().getName().startsWith(OURS))
                                .findFirst().map(Profiles::method).orElse("(no CytoTriage method on the stack)"), 1, Integer::sum);
                    }
                }
            }
            lines.add("");
            lines.add(String.format(Locale.ROOT, "%s: %,d Java execution samples (%s)", service, samples, recording.getFileName()));
            lines.add("");
            lines.add("| method on top | share | first CytoTriage method below | share |");
            lines.add("|---|---|---|---|");
            List<Map.Entry<String, Integer>> tops = largest(onTop, top);
            List<Map.Entry<String, Integer>> steps = largest(ourStep, top);
            for (int i = 0; i < Math.max(tops.size(), steps.size()); i++) {
                lines.add(String.format(Locale.ROOT, "| %s | %s | %s | %s |", i < tops.size() ? tops.get(i).getKey() : "",
                        i < tops.size() ? share(tops.get(i).getValue(), samples) : "", i < steps.size() ? steps.get(i).getKey() : "",
                        i < steps.size() ? share(steps.get(i).getValue(), samples) : ""));
            }
        }
        return lines;
    }

    /** The service whose jar the JVM ran ({@code -jar .../explain-service/target/quarkus-app/quarkus-run.jar}). */
    private static String serviceOf(String javaArguments) {
        for (String service : LocalStack.ALL_SERVICES) {
            if (javaArguments != null && javaArguments.contains(service)) {
                return service;
            }
        }
        return javaArguments;
    }

    private static String method(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    private static List<Map.Entry<String, Integer>> largest(Map<String, Integer> counts, int top) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top).toList();
    }

    private static String share(int count, int samples) {
        return String.format(Locale.ROOT, "%.1f %%", 100.0 * count / samples);
    }
}
