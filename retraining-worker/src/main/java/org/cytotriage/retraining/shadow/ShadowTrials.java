package org.cytotriage.retraining.shadow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.retraining.job.RetrainingConfig;
import org.cytotriage.retraining.stream.ChangeLog;
import org.cytotriage.retraining.stream.ChangeMapper;
import org.cytotriage.retraining.stream.ChangeMapper.Model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The candidates in shadow, at most one per model, and their loaded networks. The trials are kept in
 * memory, read from the work directory once at start and written there on every change (a trial
 * survives a restart, with its count): the image consumer asks on every image and must not ask the
 * disk. A trial whose days are up ends with the next image that comes. Starting and completing a
 * trial are steps of the change ledger.
 */
@ApplicationScoped
public class ShadowTrials {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    private final Path directory;
    private final int threads;
    private final ChangeLog log;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, LoadedModel> loaded = new HashMap<>();
    /** By model name. */
    private final Map<String, ShadowTrial> trials = new HashMap<>();

    ShadowTrials(RetrainingConfig config, ChangeLog log) {
        this.directory = config.workDirectory().resolve("shadow");
        this.threads = config.threads();
        this.log = log;
        if (Files.isDirectory(directory)) {
            try (Stream<Path> files = Files.list(directory)) {
                files.filter(f -> f.toString().endsWith(".json")).map(ShadowTrials::read)
                        .forEach(trial -> trials.put(trial.candidate().name(), trial));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the shadow trials in " + directory, e);
            }
        }
    }

    public synchronized void start(String requestId, Model parent, Model candidate, Path candidateDirectory, int images, int days) {
        Instant now = Instant.now(clock);
        ShadowTrial trial = new ShadowTrial(requestId, parent, candidate, candidateDirectory.toString(), images, now,
                now.plus(Duration.ofDays(days)), 0);
        save(trial);
        close(candidate.name());
        log.record(ChangeMapper.withCandidate(requestId, parent, candidate, "SHADOW_STARTED", candidate.version() + " runs in shadow beside "
                + parent.version() + " on new images, for " + images + " images or " + days + " days: its predictions are recorded as "
                + "shadow, never shown as results", now));
    }

    /** The trials running now. */
    public synchronized List<ShadowTrial> running() {
        return List.copyOf(trials.values());
    }

    /** The trial's network, loaded once. */
    public synchronized LoadedModel model(ShadowTrial trial) {
        return loaded.computeIfAbsent(trial.candidate().name(), k -> LoadedModel.load(Path.of(trial.directory()), threads));
    }

    /** Counts one shadow prediction; a trial that is then complete ends, and says so in the ledger. */
    public synchronized void counted(ShadowTrial trial) {
        Optional<ShadowTrial> current = Optional.ofNullable(trials.get(trial.candidate().name()))
                .filter(t -> t.candidate().equals(trial.candidate()));
        if (current.isEmpty()) {
            return;
        }
        ShadowTrial next = current.get().counted();
        Instant now = Instant.now(clock);
        if (next.complete(now)) {
            end(next, now);
        } else {
            save(next);
        }
    }

    private void end(ShadowTrial trial, Instant now) {
        log.record(ChangeMapper.withCandidate(trial.requestId(), trial.parent(), trial.candidate(), "SHADOW_COMPLETED",
                trial.candidate().version() + " predicted " + trial.predicted() + " images in shadow since " + trial.startedAt()
                        + (trial.predicted() >= trial.images() ? "" : " (its time is up)")
                        + ": the comparison with the live model is in audit-service; it awaits approval", now));
        try {
            Files.deleteIfExists(file(trial.candidate().name()));
            trials.remove(trial.candidate().name());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot end the shadow trial of " + trial.candidate().name(), e);
        }
        close(trial.candidate().name());
    }

    private void save(ShadowTrial trial) {
        try {
            Files.createDirectories(directory);
            Path temporary = Files.createTempFile(directory, trial.candidate().name(), ".tmp");
            JSON.writeValue(temporary.toFile(), trial);
            Files.move(temporary, file(trial.candidate().name()), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            trials.put(trial.candidate().name(), trial);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the shadow trial of " + trial.candidate().name(), e);
        }
    }

    private Path file(String model) {
        return directory.resolve(model + ".json");
    }

    private static ShadowTrial read(Path file) {
        try {
            return JSON.readValue(file.toFile(), ShadowTrial.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void close(String model) {
        LoadedModel network = loaded.remove(model);
        if (network != null) {
            network.close();
        }
    }

    @PreDestroy
    synchronized void closeAll() {
        loaded.values().forEach(LoadedModel::close);
        loaded.clear();
    }
}
