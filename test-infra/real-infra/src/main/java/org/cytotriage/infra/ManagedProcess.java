package org.cytotriage.infra;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A server run as a child JVM: output goes to a log file (read it when a start fails), readiness is
 * polled, and the process tree is stopped with the JVM that started it.
 */
public final class ManagedProcess {

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private final Map<String, String> environment;
    private Process process;
    private boolean paused;

    ManagedProcess(String name, List<String> command, Path logFile) {
        this(name, command, Map.of(), logFile);
    }

    /** A server with extra environment variables (how the services take their production configuration). */
    public ManagedProcess(String name, List<String> command, Map<String, String> environment, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.environment = Map.copyOf(environment);
        this.logFile = logFile;
    }

    /** The java binary of this JVM, so child servers run on the same JDK. */
    /** Where the process's standard output and error go. */
    public Path logFile() {
        return logFile;
    }

    public static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    public static List<String> javaCommand(String... args) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(List.of(args));
        return command;
    }

    /** Runs a one-shot command to completion (e.g. formatting storage) and fails on a non-zero exit. */
    static void runToCompletion(String name, List<String> command, Path logFile, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(name + " did not finish in " + timeout + "; see " + logFile);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + logFile);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
        }
    }

    public synchronized void start(BooleanSupplier ready, Duration timeout) {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name, e);
        }
        Instant deadline = Instant.now().plus(timeout);
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting; see " + logFile
                        + ", which ends:\n" + tail(logFile, 15));
            }
            if (Instant.now().isAfter(deadline)) {
                stop();
                throw new IllegalStateException(name + " not ready after " + timeout + "; see " + logFile);
            }
            sleep(Duration.ofMillis(200));
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the server: SIGTERM first so it can shut down cleanly, then SIGKILL after 45 s, the
     * termination grace period the Kubernetes manifests give the services to drain.
     */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        resume(); // a frozen process would not act on SIGTERM
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(45, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** SIGKILL, no shutdown hooks: what a crashed machine or an OOM kill looks like to the others. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
        paused = false;
    }

    /** The operating system's id of the running process, or -1 when none runs. */
    public synchronized long pid() {
        return process != null && process.isAlive() ? process.pid() : -1;
    }

    /**
     * SIGSTOP to the process and its children: it freezes where it is, its sockets stay open and
     * nothing answers on them, as a machine under a long pause (GC, swap, a stalled VM) looks to its
     * clients. {@link #resume()} lets it go on.
     */
    public synchronized void pause() {
        if (process == null || paused) {
            return;
        }
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    public synchronized void resume() {
        if (process == null || !paused) {
            return;
        }
        signal("CONT");
        paused = false;
    }

    private void signal(String signal) {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, Long.toString(process.pid())));
        process.descendants().forEach(child -> command.add(Long.toString(child.pid())));
        runToCompletion("kill -" + signal + " " + name, command, logFile, Duration.ofSeconds(10));
    }

    /** The last lines of a log, for a failure's message: the work directory holding it may be gone when someone reads it. */
    private static String tail(Path log, int lines) {
        try {
            List<String> all = java.nio.file.Files.readAllLines(log, java.nio.charset.StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
