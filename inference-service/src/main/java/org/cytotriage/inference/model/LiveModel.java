package org.cytotriage.inference.model;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.run.LoadedModel;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import io.quarkus.runtime.StartupEvent;

/**
 * The model that serves predictions. The configured one is loaded and warmed on a thread of its own
 * after start-up, so the health endpoints answer meanwhile: readiness stays DOWN until it is live (the
 * first ONNX Runtime run allocates its arenas and is several times slower), and waits for the model's
 * files if the model volume is still being filled. A configured model that cannot be loaded (a sha256
 * that does not match its card, a file ONNX Runtime rejects) is the one state this replica cannot
 * leave by itself: liveness goes DOWN with the reason. A newly published
 * one is loaded and warmed beside it, then swapped in atomically; batches that hold a lease on the old
 * one finish on it, and it is closed when the last of them lets go.
 */
@ApplicationScoped
public class LiveModel {

    private static final Logger LOG = Logger.getLogger(LiveModel.class);
    /** As long as the startup probe allows a replica to start (deploy/kubernetes: 5 minutes). */
    private static final Duration FIRST_MODEL_TIMEOUT = Duration.ofMinutes(5);

    /** A model and the batches using it. */
    private static final class Handle {
        final LoadedModel model;
        final AtomicInteger users = new AtomicInteger();
        final AtomicBoolean retired = new AtomicBoolean();
        final AtomicBoolean closed = new AtomicBoolean();

        Handle(LoadedModel model) {
            this.model = model;
        }

        void closeIfUnused() {
            if (retired.get() && users.get() == 0 && closed.compareAndSet(false, true)) {
                model.close();
                LOG.infof("model %s %s closed: no batch uses it any more", model.card().name(), model.card().version());
            }
        }
    }

    /** The model one batch runs on; close it when the batch's results are out. */
    public static final class Lease implements AutoCloseable {
        private final Handle handle;

        private Lease(Handle handle) {
            this.handle = handle;
        }

        public LoadedModel model() {
            return handle.model;
        }

        @Override
        public void close() {
            handle.users.decrementAndGet();
            handle.closeIfUnused();
        }
    }

    private final ModelConfig config;
    private final ModelWarmer warmer;
    private final MeterRegistry registry;
    private final AtomicReference<Handle> live = new AtomicReference<>();
    private final AtomicReference<Gauge> modelInfo = new AtomicReference<>();
    private final CountDownLatch firstModel = new CountDownLatch(1);
    /** Why the configured model could not be loaded; null while it loads or once it is live. */
    private volatile String failure;

    LiveModel(ModelConfig config, ModelWarmer warmer, MeterRegistry registry) {
        this.config = config;
        this.warmer = warmer;
        this.registry = registry;
    }

    void startLoading(@Observes StartupEvent start) {
        Thread loader = new Thread(this::loadConfigured, "model-loader");
        loader.setDaemon(true);
        loader.start();
    }

    private void loadConfigured() {
        Path directory = config.modelDirectory();
        try {
            ModelFiles.awaitCard(directory, config.filesPollInterval());
            swapTo(directory);
        } catch (RuntimeException e) {
            failure = "the configured model at " + directory + " cannot be loaded: " + e.getMessage();
            LOG.error(failure, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Loads (sha256 checked against the card), warms, then makes the model live; returns its card. */
    public ModelCard swapTo(Path directory) {
        LoadedModel loaded = LoadedModel.load(directory, config.sessionSettings());
        long millis = warmer.warm(loaded);
        Handle previous = live.getAndSet(new Handle(loaded));
        firstModel.countDown();
        LOG.infof("model %s %s (sha256 %s) loaded from %s, warmed in %d ms and live%s; %s", loaded.card().name(),
                loaded.card().version(), loaded.card().sha256(), directory, millis,
                previous == null ? "" : ", replacing " + previous.model.card().version(), loaded.card().label());
        Gauge info = Gauge.builder("cytotriage.model.info", () -> 1).tags(modelTags(loaded.card())).strongReference(true)
                .description("The model this replica serves (value 1)").register(registry);
        Gauge replaced = modelInfo.getAndSet(info);
        if (replaced != null && !replaced.getId().equals(info.getId())) {
            registry.remove(replaced);
        }
        if (previous != null) {
            previous.retired.set(true);
            previous.closeIfUnused();
        }
        return loaded.card();
    }

    /** {@code cytotriage_model_info{name,version,sha256} 1}: which model this replica serves. */
    private static Tags modelTags(ModelCard card) {
        return Tags.of("name", card.name(), "version", card.version(), "sha256", card.sha256());
    }

    private void awaitFirstModel() {
        try {
            if (!firstModel.await(FIRST_MODEL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("no model loaded within " + FIRST_MODEL_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the first model", e);
        }
    }

    public boolean isReady() {
        return live.get() != null;
    }

    /** Why this replica will not serve until restarted or sent a new model; empty while all is well. */
    public Optional<String> failure() {
        return isReady() ? Optional.empty() : Optional.ofNullable(failure);
    }

    /**
     * The live model for one batch: every image of the batch is predicted by it, even across a swap.
     * Waits for the first model: after a restart with images waiting in Kafka, the consumer polls
     * before the model has loaded, and a batch must wait for it rather than fail the channel.
     */
    public Lease acquire() {
        awaitFirstModel();
        while (true) {
            Handle handle = live.get();
            handle.users.incrementAndGet();
            if (live.get() == handle) {
                return new Lease(handle);
            }
            // Swapped between the read and the increment: the old one may be closing; take the new one.
            handle.users.decrementAndGet();
            handle.closeIfUnused();
        }
    }

    /** The live model's card; waits for the first model like {@link #acquire()}. */
    public ModelCard card() {
        awaitFirstModel();
        return live.get().model.card();
    }

    @PreDestroy
    void close() {
        Handle handle = live.getAndSet(null);
        if (handle != null) {
            handle.retired.set(true);
            handle.closeIfUnused();
        }
    }
}
