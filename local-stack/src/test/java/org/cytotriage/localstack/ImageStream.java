package org.cytotriage.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A stream of generated JPEGs posted to ingest in the background, one case each, for the tests that
 * disturb inference mid-stream; and how many predictions audit has on record.
 */
final class ImageStream implements AutoCloseable {

    private final ExecutorService sender = Executors.newSingleThreadExecutor();
    private final List<String> imageIds = Collections.synchronizedList(new ArrayList<>());
    private final Future<?> sending;

    /** {@code images} posts as cases {@code <prefix><i>} of {@code hospital}, {@code pauseMillis} apart. */
    ImageStream(LocalStack stack, String prefix, String hospital, int images, long seedBase, long pauseMillis) {
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        List<byte[]> jpegs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            jpegs.add(generator.generate(seedBase + i, BethesdaCategory.values()[i % 6]).jpegBytes());
        }
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        sending = sender.submit(() -> {
            for (int i = 0; i < images; i++) {
                HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(
                        URI.create(stack.url("ingest-service") + "/api/v1/cases/" + prefix + i + "/images"))
                        .header("Content-Type", "image/jpeg")
                        .header("Authorization", "Bearer " + stack.logins().person(Set.of("scanner"), List.of(hospital)))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(jpegs.get(i % jpegs.size()))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(accepted.statusCode()).isEqualTo(202);
                imageIds.add(json.readTree(accepted.body()).get("imageId").asText());
                Thread.sleep(pauseMillis);
            }
            return null;
        });
    }

    boolean isDone() {
        return sending.isDone();
    }

    /** Waits for the last image to be accepted; the ids of every accepted image. */
    List<String> awaitAccepted() throws Exception {
        sending.get(3, TimeUnit.MINUTES);
        return List.copyOf(imageIds);
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }

    static long predictionsOnRecord(LocalStack stack) throws Exception {
        try (Connection db = connect(stack); Statement query = db.createStatement();
                ResultSet rs = query.executeQuery("select count(*) from predictions")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static Connection connect(LocalStack stack) throws Exception {
        var postgres = stack.infrastructure().postgres();
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
    }
}
