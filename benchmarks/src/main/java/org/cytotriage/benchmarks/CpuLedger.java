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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Where the machine's CPU time went during a measurement: this process (the load generator and the
 * prediction listener) and every process it started (the services, the broker, the registry), by
 * name, and what stayed idle. End-to-end throughput is read against it: the services share the
 * cores with everything else.
 */
final class CpuLedger {

    static final String INFERENCE = "inference-service";
    static final String BENCHMARK = "benchmark (load generator, listener)";

    private static final Map<String, String> NAMES = new LinkedHashMap<>();
    /** USER_HZ, the unit of /proc's CPU times: 100 on Linux for x86 and ARM. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;
    private static final int MACHINE_CPUS = countMachineCpus();
    private static final Set<String> DETACHED = ConcurrentHashMap.newKeySet();

    static {
        NAMES.put("inference-service", INFERENCE);
        NAMES.put("ingest-service", "ingest-service");
        NAMES.put("explain-service", "explain-service");
        NAMES.put("audit-service", "audit-service");
        NAMES.put("keycloak", "Keycloak");
        NAMES.put("kafka", "Kafka broker");
        NAMES.put("apicurio", "schema registry");
        NAMES.put("postgres", "PostgreSQL");
    }

    private final long startNanos = System.nanoTime();
    private final Map<String, Duration> startCpu = perProcess();
    private final Map<String, Double> startJit = jitPerProcess();
    private final long[] startMachine = machineTicks();

    /**
     * CPU seconds per process since this ledger was opened, how many of them its JIT compiler
     * threads took (a JVM still compiling has not reached its steady state), and the machine's busy
     * share.
     */
    record Usage(Map<String, Double> seconds, Map<String, Double> jitSeconds, double availableSeconds, double busyShare) {

        double secondsOf(String name) {
            return seconds.getOrDefault(name, 0.0);
        }

        double wallSeconds() {
            return availableSeconds / machineCpus();
        }

        /** CPU seconds of every process this one started (the services, the broker, the registry). */
        double startedProcessesSeconds() {
            return seconds.entrySet().stream().filter(entry -> !entry.getKey().equals(BENCHMARK))
                    .mapToDouble(Map.Entry::getValue).sum();
        }

        /** This usage and {@code other} together, as if measured over both periods. */
        Usage plus(Usage other) {
            Map<String, Double> summed = new LinkedHashMap<>(seconds);
            other.seconds.forEach((name, value) -> summed.merge(name, value, Double::sum));
            Map<String, Double> jit = new LinkedHashMap<>(jitSeconds);
            other.jitSeconds.forEach((name, value) -> jit.merge(name, value, Double::sum));
            double available = availableSeconds + other.availableSeconds;
            return new Usage(summed, jit, available,
                    (busyShare * availableSeconds + other.busyShare * other.availableSeconds) / available);
        }

        /** Per process, largest first, then the rest of the machine and idle, as table rows. */
        List<String> rows() {
            List<String> rows = new ArrayList<>();
            seconds.entrySet().stream().filter(entry -> entry.getValue() > 0.005)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(entry -> rows.add(row(entry.getKey(), entry.getValue(), jitSeconds.get(entry.getKey()),
                            availableSeconds)));
            if (!Double.isNaN(busyShare)) {
                double others = busyShare * availableSeconds - seconds.values().stream().mapToDouble(Double::doubleValue).sum();
                rows.add(row("other processes on the machine", Math.max(0, others), null, availableSeconds));
                rows.add(row("idle", (1 - busyShare) * availableSeconds, null, availableSeconds));
            }
            return rows;
        }
    }

    Usage usage() {
        double wallSeconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Double> used = new LinkedHashMap<>();
        perProcess().forEach((name, cpu) -> used.merge(name,
                (cpu.toNanos() - startCpu.getOrDefault(name, Duration.ZERO).toNanos()) / 1e9, Double::sum));
        Map<String, Double> jit = new LinkedHashMap<>();
        jitPerProcess().forEach((name, seconds) -> jit.put(name, seconds - startJit.getOrDefault(name, 0.0)));
        return new Usage(used, jit, wallSeconds * machineCpus(), share(startMachine, machineTicks()));
    }

    /**
     * Waits until the processes this one started used less than {@code share} of one CPU over a
     * {@code window}, at most {@code limit}; returns how long it waited.
     */
    static Duration awaitQuietStack(Duration window, double share, Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < limit.toNanos()) {
            CpuLedger ledger = new CpuLedger();
            Thread.sleep(window.toMillis());
            Usage usage = ledger.usage();
            if (usage.startedProcessesSeconds() < share * usage.wallSeconds()) {
                break;
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    static String header(int machineCpus) {
        return String.format(Locale.ROOT, "| CPU during saturation | CPU s | share of the machine's %d CPUs | of which JIT compilers |%n"
                + "|---|---|---|---|", machineCpus);
    }

    private static String row(String name, double seconds, Double jitSeconds, double available) {
        return String.format(Locale.ROOT, "| %s | %.1f | %.0f %% | %s |", name, seconds, 100 * seconds / available,
                jitSeconds == null ? "" : String.format(Locale.ROOT, "%.1f s", jitSeconds));
    }

    private static Map<String, Duration> perProcess() {
        Map<String, Duration> cpu = new LinkedHashMap<>();
        counted().forEach(process -> {
            ProcessHandle.Info info = process.info();
            info.totalCpuDuration().ifPresent(duration -> cpu.merge(name(process, info), duration, Duration::plus));
        });
        return cpu;
    }

    /**
     * A server that detaches from the process that started it is counted by a part of its command
     * line (its data directory): PostgreSQL's postmaster is started through {@code pg_ctl} and
     * reparented to init, so it is no descendant of this process.
     */
    static void alsoCount(String commandLinePart) {
        DETACHED.add(commandLinePart);
    }

    /** This process, everything it started, and the detached servers with their children, each once. */
    private static Stream<ProcessHandle> counted() {
        Map<Long, ProcessHandle> processes = new LinkedHashMap<>();
        Stream.concat(Stream.of(ProcessHandle.current()), ProcessHandle.current().descendants())
                .forEach(process -> processes.put(process.pid(), process));
        if (!DETACHED.isEmpty()) {
            ProcessHandle.allProcesses().filter(process -> process.info().commandLine()
                    .map(line -> DETACHED.stream().anyMatch(line::contains)).orElse(false))
                    .flatMap(server -> Stream.concat(Stream.of(server), server.descendants()))
                    .forEach(process -> processes.putIfAbsent(process.pid(), process));
        }
        return processes.values().stream();
    }

    /** CPU seconds of each JVM's compiler threads (HotSpot's "C1/C2 CompilerThreadN", from /proc). */
    private static Map<String, Double> jitPerProcess() {
        Map<String, Double> jit = new LinkedHashMap<>();
        counted().forEach(process -> jit.merge(name(process, process.info()), compilerSeconds(process.pid()), Double::sum));
        return jit;
    }

    private static double compilerSeconds(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.mapToDouble(CpuLedger::compilerThreadSeconds).sum();
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static double compilerThreadSeconds(Path task) {
        try {
            if (!Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                return 0;
            }
            // after the ")" that closes the thread's name: fields 3 onwards; utime and stime are the 14th and 15th
            String stat = Files.readString(task.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException gone) {
            return 0; // the thread ended meanwhile
        }
    }

    private static String name(ProcessHandle process, ProcessHandle.Info info) {
        if (process.pid() == ProcessHandle.current().pid()) {
            return BENCHMARK;
        }
        String commandLine = info.commandLine().orElse(info.command().orElse("?")).toLowerCase(Locale.ROOT);
        return NAMES.entrySet().stream().filter(entry -> commandLine.contains(entry.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(Path.of(info.command().orElse("?")).getFileName().toString());
    }

    /** All the machine's CPUs, also when this process is bound to some of them. */
    static int machineCpus() {
        return MACHINE_CPUS;
    }

    private static int countMachineCpus() {
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
