package org.cytotriage.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

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
            SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
            List<byte[]> jpegs = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                jpegs.add(generator.generate(7000 + i, BethesdaCategory.values()[i % 6]).jpegBytes());
            }
            HttpClient http = HttpClient.newHttpClient();
            ObjectMapper json = new ObjectMapper();
            List<String> imageIds = Collections.synchronizedList(new ArrayList<>());
            ExecutorService sender = Executors.newSingleThreadExecutor();
            Future<?> sending = sender.submit(() -> {
                for (int i = 0; i < IMAGES; i++) {
                    HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(
                            URI.create(stack.url("ingest-service") + "/api/v1/cases/scale-" + i + "/images"))
                            .header("Content-Type", "image/jpeg").header("X-Hospital-Id", "hospital-scale")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(jpegs.get(i % jpegs.size()))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(accepted.statusCode()).isEqualTo(202);
                    imageIds.add(json.readTree(accepted.body()).get("imageId").asText());
                }
                return null;
            });
            // Mid-stream: some predictions on record, images still arriving.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> predictionsOnRecord(stack) >= 20);
            long atKill = predictionsOnRecord(stack);
            stack.processes("inference-service").get(1).kill();
            System.out.printf("killed inference-service-2 with %d of %d predictions on record%n", atKill, IMAGES);
            assertThat(sending.isDone()).as("killed while images were still arriving").isFalse();
            sending.get(3, TimeUnit.MINUTES);
            sender.shutdown();

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> predictionsOnRecord(stack) >= IMAGES);
            Thread.sleep(3000); // redeliveries still in flight would show as a second record now

            try (Connection db = connect(stack); Statement query = db.createStatement();
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

    private static long predictionsOnRecord(LocalStack stack) throws Exception {
        try (Connection db = connect(stack); Statement query = db.createStatement();
                ResultSet rs = query.executeQuery("select count(*) from predictions")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection connect(LocalStack stack) throws Exception {
        var postgres = stack.infrastructure().postgres();
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
    }
}
