package org.cytotriage.ingest.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.Tokens;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.ingest.AcceptingIngest;
import org.cytotriage.ingest.TestImages;
import org.cytotriage.support.identity.Roles;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = @ResourceArg(name = "identity", value = "true"))
class ConcurrentUploadsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/api/v1/cases/case-twenty-at-once/images")
    URI upload;

    @Test
    void twentyIdenticalUploadsAtOnceGetOneImageIdAndPublishExactlyOneEvent() {
        AcceptingIngest.awaitAccepting();
        byte[] png = TestImages.encoded("png", 40);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(upload).timeout(Duration.ofSeconds(30)).header("Content-Type", "image/png")
                .header("Authorization", "Bearer " + Tokens.of(Roles.SCANNER, "hospital-a")).POST(HttpRequest.BodyPublishers.ofByteArray(png)).build();

        List<HttpResponse<String>> answers = IntStream.range(0, 20)
                .mapToObj(i -> http.sendAsync(request, HttpResponse.BodyHandlers.ofString())).toList()
                .stream().map(CompletableFuture::join).toList();

        assertThat(answers).extracting(HttpResponse::statusCode).as("one publishes, the others find it published")
                .containsOnlyOnce(202).containsOnly(202, 200);
        List<String> imageIds = answers.stream().map(answer -> field(answer, "imageId")).distinct().toList();
        assertThat(imageIds).hasSize(1);
        List<ConsumerRecord<String, ImageReceived>> events = new TopicReader(RealInfrastructure.shared()).read(Topics.IMAGES,
                ImageReceived.class, event -> event.getImageId().equals(imageIds.get(0)), found -> found.size() > 1, Duration.ofSeconds(10));
        assertThat(events).as("ImageReceived on %s for image %s", Topics.IMAGES, imageIds.get(0)).hasSize(1);
    }

    private static String field(HttpResponse<String> answer, String name) {
        try {
            JsonNode body = JSON.readTree(answer.body());
            return body.get(name).asText();
        } catch (Exception e) {
            throw new AssertionError("not a receipt: " + answer.statusCode() + " " + answer.body(), e);
        }
    }
}
