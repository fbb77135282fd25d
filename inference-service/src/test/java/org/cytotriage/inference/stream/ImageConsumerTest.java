package org.cytotriage.inference.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DeadLetter;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.inference.model.LiveModel;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.support.deadletter.DeadLetterPublisher;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
class ImageConsumerTest {

    private final TopicWriter writer = new TopicWriter(RealInfrastructure.shared());
    private final TopicReader reader = new TopicReader(RealInfrastructure.shared());
    private final SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();

    /** Every span the service ends, as its exporter receives them (InMemorySpans). */
    @Inject
    InMemorySpanExporter spans;

    @Inject
    ImageStore store;

    @Inject
    LiveModel live;

    @Test
    void receivedImageGetsOnePredictionNamingTheModel() {
        ImageReceived image = ReceivedImages.stored(store, "case-inf-1", generator.generate(11, BethesdaCategory.IV).jpegBytes());

        writer.send(Topics.IMAGES, image.getCaseId(), image);

        var predictions = reader.read(Topics.PREDICTIONS, PredictionMade.class, p -> p.getImageId().equals(image.getImageId()),
                found -> !found.isEmpty(), Duration.ofSeconds(30));
        assertThat(predictions).hasSize(1);
        PredictionMade prediction = predictions.get(0).value();
        assertThat(predictions.get(0).key()).as("the case's pseudonym, never its id").isEqualTo(pseudonym("case-inf-1"));
        assertThat(prediction.getModel().getSha256()).isEqualTo(live.card().sha256());
        assertThat(prediction.getModel().getVersion()).isEqualTo(live.card().version());
        var p = prediction.getProbabilities();
        assertThat(p.getBenign() + p.getIndeterminate() + p.getMalignant()).isBetween(0.999999, 1.000001);
        var maps = prediction.getActivationMaps();
        assertThat(maps.getRows()).as("the shipped Basic network's last feature map").isEqualTo(14);
        assertThat(maps.getMalignant()).hasSize(maps.getRows() * maps.getCols());
        assertThat(prediction.getInferenceMillis()).isPositive();
    }

    @Test
    void aStreamOfImagesGetsExactlyOnePredictionEach() {
        List<ImageReceived> images = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            images.add(ReceivedImages.stored(store, "case-stream-" + i,
                    generator.generate(200 + i, BethesdaCategory.values()[i % 6]).jpegBytes()));
        }
        Set<String> ids = images.stream().map(ImageReceived::getImageId).collect(Collectors.toSet());

        writer.sendAll(Topics.IMAGES, images, ImageReceived::getCaseId);

        var predictions = reader.read(Topics.PREDICTIONS, PredictionMade.class, p -> ids.contains(p.getImageId()),
                found -> found.size() >= ids.size(), Duration.ofSeconds(60));
        assertThat(predictions).extracting(r -> r.value().getImageId()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void undecodableImageAndMissingBlobGoToTheDeadLetterTopicWithTheReason() {
        byte[] garbage = "not really a jpeg".getBytes(StandardCharsets.UTF_8);
        ImageReceived undecodable = ReceivedImages.stored(store, "case-inf-2", garbage);
        byte[] neverStored = "never stored".getBytes(StandardCharsets.UTF_8);
        ImageReceived missing = ReceivedImages.referring("case-inf-3", ReceivedImages.keyOf(neverStored), neverStored);
        ImageReceived good = ReceivedImages.stored(store, "case-inf-4", generator.generate(12, BethesdaCategory.II).jpegBytes());

        List<Map<String, String>> loggedContexts = new CopyOnWriteArrayList<>();
        List<String> loggedLines = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record instanceof ExtLogRecord ext) {
                    loggedContexts.add(ext.getMdcCopy());
                    loggedLines.add(ext.getFormattedMessage() + " " + ext.getMdcCopy());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger deadLetterLog = java.util.logging.Logger.getLogger(DeadLetterPublisher.class.getName());
        deadLetterLog.addHandler(handler);
        writer.sendAll(Topics.IMAGES, List.of(undecodable, missing, good), ImageReceived::getCaseId);

        var letters = reader.read(Topics.DEAD_LETTER, DeadLetter.class,
                d -> undecodable.getImageId().equals(d.getImageId()) || missing.getImageId().equals(d.getImageId()),
                found -> found.size() >= 2, Duration.ofSeconds(30));
        assertThat(letters).extracting(r -> r.value().getReason())
                .anySatisfy(reason -> assertThat(reason).contains("cannot be decoded"))
                .anySatisfy(reason -> assertThat(reason).contains("not in the image store"));
        assertThat(letters).allSatisfy(r -> assertThat(r.value().getService()).isEqualTo("inference-service"));
        assertThat(reader.read(Topics.PREDICTIONS, PredictionMade.class, p -> p.getImageId().equals(good.getImageId()),
                found -> !found.isEmpty(), Duration.ofSeconds(30))).as("the stream goes on").hasSize(1);
        String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
        assertThat(metrics).as("dead letters counted for the alert")
                .containsPattern("cytotriage_dead_letters_total\\{[^}]*service=\"inference-service\"[^}]*source_topic=\"fnab.images\"[^}]*\\} [1-9]")
                .as("the model in use").contains("cytotriage_model_info{name=\"thyroideffi-basic\"");
        deadLetterLog.removeHandler(handler);
        assertThat(loggedContexts).as("the dead letter's log line names its trace, the case's pseudonym and the image")
                .anySatisfy(mdc -> assertThat(mdc).containsEntry("casePseudonym", pseudonym("case-inf-2"))
                        .containsEntry("imageId", undecodable.getImageId())
                        .hasEntrySatisfying("traceId", traceId -> assertThat(traceId).hasSize(32)));
        assertThat(loggedLines).as("no case id in the log").isNotEmpty()
                .noneSatisfy(line -> assertThat(line).containsAnyOf("case-inf-2", "case-inf-3"));
        // Nor in a trace: the processing span names the case by its pseudonym, and no attribute of any span holds the id.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
                .anySatisfy(span -> assertThat(span.getAttributes().get(AttributeKey.stringKey("cytotriage.case_pseudonym")))
                        .isEqualTo(pseudonym("case-inf-2"))));
        assertThat(spans.getFinishedSpanItems()).allSatisfy(span -> assertThat(span.getAttributes().asMap().values())
                .as("attributes of span %s", span.getName()).noneSatisfy(value -> assertThat(String.valueOf(value))
                        .containsAnyOf("case-inf-2", "case-inf-3")));
    }

    /** The pseudonym of a case under the test profile's key, computed here with the JDK's HMAC as a reader of the logs would. */
    private static String pseudonym(String caseId) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec("test-only-pseudonym-key-not-a-secret-01".getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            return "c-" + java.util.HexFormat.of().formatHex(mac.doFinal(caseId.getBytes(StandardCharsets.UTF_8))).substring(0, 24);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The event may overtake its bytes (a bucket that is eventually consistent): the read is retried. */
    @Test
    void aBlobThatAppearsShortlyAfterItsEventIsStillPredicted() throws InterruptedException {
        byte[] jpeg = generator.generate(13, BethesdaCategory.V).jpegBytes();
        ImageReceived late = ReceivedImages.referring("case-inf-5", ReceivedImages.keyOf(jpeg), jpeg);

        writer.send(Topics.IMAGES, late.getCaseId(), late);
        Thread.sleep(150);
        store.put("hospital-test", jpeg);

        assertThat(reader.read(Topics.PREDICTIONS, PredictionMade.class, p -> p.getImageId().equals(late.getImageId()),
                found -> !found.isEmpty(), Duration.ofSeconds(30))).hasSize(1);
        assertThat(reader.read(Topics.DEAD_LETTER, DeadLetter.class, d -> late.getImageId().equals(d.getImageId()),
                found -> false, Duration.ofSeconds(2))).isEmpty();
    }
}
