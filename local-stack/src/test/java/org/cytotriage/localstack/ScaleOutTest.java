package org.cytotriage.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Two inference-service processes in one consumer group share the image partitions; one is killed
 * with SIGKILL mid-stream. The survivor takes over its partitions from the last committed offsets:
 * images the dead one had predicted but not committed are predicted again, and audit-service's
 * unique keys keep exactly one prediction per image on record.
 */
class ScaleOutTest {

    private static final int IMAGES = 300;

    @Test
    void killingOneOfTwoInferenceReplicasMidStreamLosesNoImageAndRecordsNoneTwice() throws Exception {
        LocalStack.Layout layout = LocalStack.Layout.only("ingest-service", "inference-service", "audit-service")
                .withReplicas("inference-service", 2);
        try (LocalStack stack = LocalStack.start(layout)) {
            ImageStream stream = new ImageStream(stack, "scale-", "hospital-scale", IMAGES, 7000, 0);
            // Mid-stream: some predictions on record, images still arriving.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> ImageStream.predictionsOnRecord(stack) >= 20);
            long atKill = ImageStream.predictionsOnRecord(stack);
            stack.processes("inference-service").get(1).kill();
            System.out.printf("killed inference-service-2 with %d of %d predictions on record%n", atKill, IMAGES);
            assertThat(stream.isDone()).as("killed while images were still arriving").isFalse();
            List<String> imageIds = stream.awaitAccepted();
            stream.close();

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> ImageStream.predictionsOnRecord(stack) >= IMAGES);
            Thread.sleep(3000); // redeliveries still in flight would show as a second record now

            try (Connection db = ImageStream.connect(stack); Statement query = db.createStatement();
                    ResultSet rs = query.executeQuery("select image_id, count(*) from predictions group by image_id")) {
                List<String> recorded = new ArrayList<>();
                while (rs.next()) {
                    assertThat(rs.getInt(2)).as("predictions of image %s", rs.getString(1)).isEqualTo(1);
                    recorded.add(rs.getString(1));
                }
                assertThat(recorded).containsExactlyInAnyOrderElementsOf(imageIds);
            }
        }
    }
}
