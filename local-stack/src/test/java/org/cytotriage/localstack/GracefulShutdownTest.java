package org.cytotriage.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.infra.TopicReader;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to inference-service mid-stream (a rolling update, a node drain), then a restart with images
 * waiting: no image is lost, and the restarted replica waits for its model instead of failing its
 * consumers. The SIGTERM comes right after a burst, with a batch on the model and more fetched behind
 * it. Nothing is predicted twice: the batches on the model finish and are committed before the
 * consumers close, and the ones fetched but not started stay uncommitted.
 */
class GracefulShutdownTest {

    private static final int IMAGES = 150;
    private static final int BURST = 30;
    private static final int BURST_UPLOADERS = 4;

    @Test
    void sigtermMidStreamDrainsInFlightWorkAndTheRestartPredictsNothingTwice() throws Exception {
        LocalStack.Layout layout = LocalStack.Layout.only("ingest-service", "inference-service", "audit-service");
        try (LocalStack stack = LocalStack.start(layout)) {
            // A steady stream, still running when the SIGTERM comes and after the restart.
            ImageStream stream = new ImageStream(stack, "drain-", "hospital-drain", IMAGES, 8000, 150);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> ImageStream.predictionsOnRecord(stack) >= 20);
            // A burst from several uploaders at once, faster than inference predicts on a quiet machine, so that
            // at the SIGTERM one batch is on the model and more are fetched behind it.
            List<ImageStream> burst = new ArrayList<>();
            for (int uploader = 0; uploader < BURST_UPLOADERS; uploader++) {
                burst.add(new ImageStream(stack, "drain-burst-" + uploader + "-", "hospital-drain", BURST, 9000 + 100 * uploader, 0));
            }
            List<String> imageIds = new ArrayList<>();
            for (ImageStream uploader : burst) {
                imageIds.addAll(uploader.awaitAccepted());
                uploader.close();
            }
            ServiceLauncher inference = stack.processes("inference-service").get(0);
            long before = System.nanoTime();
            inference.stop();
            System.out.printf("SIGTERM: inference-service stopped in %d ms with %d predictions on record%n",
                    (System.nanoTime() - before) / 1_000_000, ImageStream.predictionsOnRecord(stack));
            List<String> drainLog = inference.log().lines().filter(line -> line.contains("Shutting down:")).toList();
            drainLog.forEach(System.out::println);
            assertThat(drainLog).as("a batch was on the model at the SIGTERM").anyMatch(line -> line.matches(".*finishing [1-9]\\d* batch.*"));
            assertThat(stream.isDone()).as("stopped while images were still arriving").isFalse();
            // Restarted with images waiting: its consumers poll before the model has loaded and must wait for it.
            inference.start();
            imageIds.addAll(stream.awaitAccepted());
            stream.close();

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> ImageStream.predictionsOnRecord(stack) >= IMAGES + BURST * BURST_UPLOADERS);
            List<ConsumerRecord<String, PredictionMade>> published = new TopicReader(stack.infrastructure()).read(Topics.PREDICTIONS,
                    PredictionMade.class, p -> p.getCaseId().startsWith("drain-"), found -> false, Duration.ofSeconds(8));
            Map<String, Long> perImage = published.stream().collect(Collectors.groupingBy(r -> r.value().getImageId(), Collectors.counting()));
            assertThat(perImage.keySet()).as("no image lost").containsExactlyInAnyOrderElementsOf(imageIds);
            assertThat(perImage).as("predictions per image").allSatisfy((image, predictions) -> assertThat(predictions).as(image).isEqualTo(1));
        }
    }
}
