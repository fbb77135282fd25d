package org.cytotriage.model.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Runs a model over many items with preparation and inference overlapped. Decoding a 1024x768 JPEG
 * costs about as much as the Basic model (docs/benchmarks.md), so a pool of threads prepares the
 * next model batch (fetch, decode, preprocess) while ONNX Runtime runs the current one. At most two
 * model batches of inputs are held at a time: a Premium input is 7.8 MB.
 *
 * <p>Thread-safe; one runner serves concurrent callers with one preparation pool, and lets at most
 * {@code concurrentRuns} model runs proceed at once (as many as the cores hold, given the session's
 * intra-op threads): while one caller's batch is on the model, another caller's next batch is being
 * prepared.
 */
public final class PipelinedRunner implements AutoCloseable {

    /**
     * What became of one item: the model's output, or the exception its preparation threw.
     *
     * @param prepareMillis time spent preparing this item
     * @param modelMillis this item's share of its model run
     */
    public record Result<T>(T item, ModelOutput output, RuntimeException failure, double prepareMillis,
            double modelMillis) {

        public boolean succeeded() {
            return failure == null;
        }
    }

    /** Hooks for metrics: called once per prepared item and once per model run. */
    public interface Observer {
        void prepared(long nanos);

        void ran(int batchSize, long nanos);

        Observer NONE = new Observer() {
            @Override
            public void prepared(long nanos) {
            }

            @Override
            public void ran(int batchSize, long nanos) {
            }
        };
    }

    private record Prepared<T>(T item, float[] input, RuntimeException failure, double millis) {
    }

    private final int batchSize;
    private final ExecutorService preparers;
    private final Observer observer;
    private final Semaphore modelRuns;

    /**
     * @param batchSize items per ONNX Runtime run
     * @param prepareThreads threads preparing items beside the model
     * @param concurrentRuns model runs at once, over all callers
     */
    public PipelinedRunner(int batchSize, int prepareThreads, int concurrentRuns, Observer observer) {
        if (batchSize < 1 || prepareThreads < 1 || concurrentRuns < 1) {
            throw new IllegalArgumentException("batch size, threads and runs must be positive: " + batchSize + ", "
                    + prepareThreads + ", " + concurrentRuns);
        }
        this.batchSize = batchSize;
        this.modelRuns = new Semaphore(concurrentRuns);
        this.observer = observer;
        AtomicInteger counter = new AtomicInteger();
        this.preparers = Executors.newFixedThreadPool(prepareThreads, task -> {
            Thread thread = new Thread(task, "model-input-preparer-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public int batchSize() {
        return batchSize;
    }

    /**
     * One result per item, in order, all from {@code model}. A runtime exception thrown by
     * {@code prepare} is that item's failure; the other items go on.
     *
     * @param prepare item to model input ({@link org.cytotriage.model.preprocess.ModelInputs#of})
     */
    public <T> List<Result<T>> run(List<T> items, Function<T, float[]> prepare, LoadedModel model) {
        List<CompletableFuture<Prepared<T>>> prepared = new ArrayList<>(items.size());
        List<Result<T>> results = new ArrayList<>(items.size());
        for (int from = 0; from < items.size(); from += batchSize) {
            int aheadTo = Math.min(items.size(), from + 2 * batchSize);
            for (int i = prepared.size(); i < aheadTo; i++) {
                T item = items.get(i);
                prepared.add(CompletableFuture.supplyAsync(() -> prepare(item, prepare), preparers));
            }
            int to = Math.min(items.size(), from + batchSize);
            List<Prepared<T>> chunk = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                chunk.add(join(prepared.get(i)));
                prepared.set(i, null); // the runner no longer holds the input once the run has it
            }
            results.addAll(runChunk(chunk, model));
        }
        return results;
    }

    private <T> List<Result<T>> runChunk(List<Prepared<T>> chunk, LoadedModel model) {
        List<float[]> inputs = chunk.stream().filter(p -> p.failure() == null).map(Prepared::input).toList();
        List<ModelOutput> outputs = List.of();
        double millisEach = 0;
        if (!inputs.isEmpty()) {
            long nanos;
            modelRuns.acquireUninterruptibly();
            try {
                long start = System.nanoTime();
                outputs = model.run(inputs);
                nanos = System.nanoTime() - start;
            } finally {
                modelRuns.release();
            }
            observer.ran(inputs.size(), nanos);
            millisEach = nanos / 1e6 / inputs.size();
        }
        List<Result<T>> results = new ArrayList<>(chunk.size());
        int next = 0;
        for (Prepared<T> p : chunk) {
            results.add(p.failure() != null ? new Result<>(p.item(), null, p.failure(), p.millis(), 0)
                    : new Result<>(p.item(), outputs.get(next++), null, p.millis(), millisEach));
        }
        return results;
    }

    private <T> Prepared<T> prepare(T item, Function<T, float[]> prepare) {
        long start = System.nanoTime();
        try {
            float[] input = prepare.apply(item);
            long nanos = System.nanoTime() - start;
            observer.prepared(nanos);
            return new Prepared<>(item, input, null, nanos / 1e6);
        } catch (RuntimeException e) {
            return new Prepared<>(item, null, e, (System.nanoTime() - start) / 1e6);
        }
    }

    private static <T> Prepared<T> join(CompletableFuture<Prepared<T>> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            // prepare() catches runtime exceptions itself: only an Error gets here
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        preparers.shutdownNow();
    }
}
