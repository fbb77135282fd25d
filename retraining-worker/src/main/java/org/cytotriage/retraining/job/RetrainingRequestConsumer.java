package org.cytotriage.retraining.job;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.support.failure.IncomingRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The consumer of fnab.retraining. A job runs for minutes to hours, so it runs on a thread of its own,
 * one job at a time (the machine's cores are the job's), and the request is acknowledged only when the
 * job has ended: a worker that dies mid-job gets the request again, starts the job over, and a request
 * already answered is not trained again ({@link RetrainingJobs#take}).
 */
@ApplicationScoped
public class RetrainingRequestConsumer {

    private final RetrainingJobs jobs;
    private final ExecutorService runner = Executors.newSingleThreadExecutor(r -> new Thread(r, "retraining-job"));

    RetrainingRequestConsumer(RetrainingJobs jobs) {
        this.jobs = jobs;
    }

    @Incoming(Topics.RETRAINING)
    public CompletionStage<Void> onRequest(ConsumerRecord<String, RetrainingRequested> record) {
        RetrainingRequested request = IncomingRecords.payload(record, RetrainingRequested.class);
        CompletableFuture<Void> done = new CompletableFuture<>();
        runner.execute(() -> {
            try {
                jobs.take(request);
                done.complete(null);
            } catch (TrainingProcess.InterruptedException e) {
                // Left unacknowledged on purpose: the offset is not committed, and the request comes again.
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
    }
}
