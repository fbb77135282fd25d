package org.cytotriage.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the machine's CPU time went during a measurement: this process (the load generator and the
 * prediction listener) and every process it started (the services, the broker, the registry), by
 * name, and what stayed idle. End-to-end throughput is read against it: the services share the
 * cores with everything else.
 */
final class CpuLedger {

    static final String INFERENCE = "inference-service";

    private static final Map<String, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put("inference-service", INFERENCE);
        NAMES.put("ingest-service", "ingest-service");
        NAMES.put("kafka", "Kafka broker");
        NAMES.put("apicurio", "schema registry");
        NAMES.put("postgres", "PostgreSQL");
    }

    private final long startNanos = System.nanoTime();
    private final Map<String, Duration> startCpu = perProcess();
    private final long[] startMachine = machineTicks();

    /** CPU seconds per process since this ledger was opened, and the machine's busy share. */
    record Usage(Map<String, Double> seconds, double availableSeconds, double busyShare) {

        double secondsOf(String name) {
            return seconds.getOrDefault(name, 0.0);
        }

        /** Per process, largest first, then the rest of the machine and idle, as table rows. */
        List<String> rows() {
            List<String> rows = new ArrayList<>();
            seconds.entrySet().stream().filter(entry -> entry.getValue() > 0.005)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(entry -> rows.add(row(entry.getKey(), entry.getValue(), availableSeconds)));
            if (!Double.isNaN(busyShare)) {
                double others = busyShare * availableSeconds - seconds.values().stream().mapToDouble(Double::doubleValue).sum();
                rows.add(row("other processes on the machine", Math.max(0, others), availableSeconds));
                rows.add(row("idle", (1 - busyShare) * availableSeconds, availableSeconds));
            }
            return rows;
        }
    }

    Usage usage() {
        double wallSeconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> used = new LinkedHashMap<>();
        perProcess().forEach((name, cpu) -> used.merge(name,
                (cpu.toNanos() - startCpu.getOrDefault(name, Duration.ZERO).toNanos()) / 1e9, Double::sum));
        return new Usage(used, wallSeconds * machineCpus(), share(startMachine, machineTicks()));
    }

    private static String row(String name, double seconds, double available) {
        return String.format(Locale.ROOT, "| %s | %.1f | %.0f %% |", name, seconds, 100 * seconds / available);
    }

    private static Map<String, Duration> perProcess() {
        Map<String, Duration> cpu = new LinkedHashMap<>();
        Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants()).forEach(process -> {
            ProcessHandle.Info info = process.info();
            info.totalCpuDuration().ifPresent(duration -> cpu.merge(name(process, info), duration, Duration::plus));
        });
        return cpu;
    }

    private static String name(ProcessHandle process, ProcessHandle.Info info) {
        if (process.pid() == ProcessHandle.current().pid()) {
            return "benchmark (load generator, listener)";
        }
        String commandLine = info.commandLine().orElse(info.command().orElse("?")).toLowerCase(Locale.ROOT);
        return NAMES.entrySet().stream().filter(entry -> commandLine.contains(entry.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(Path.of(info.command().orElse("?")).getFileName().toString());
    }

    /** All the machine's CPUs, also when this process is bound to some of them. */
    static int machineCpus() {
        try {
            return (int) Files.readAllLines(Path.of("/proc/stat")).stream().filter(line -> line.matches("cpu\\d+ .*")).count();
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    /** Busy and total jiffies of the whole machine from /proc/stat; empty where there is none. */
    private static long[] machineTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length; i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[0];
        }
    }

    private static double share(long[] start, long[] end) {
        if (start.length == 0 || end.length == 0 || end[1] == start[1]) {
            return Double.NaN;
        }
        return (double) (end[0] - start[0]) / (end[1] - start[1]);
    }
}
