package org.cytotriage.inference.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.infra.TopicWriter;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A consumer that joins inference-service's group mid-stream, as a new replica would, is handed only
 * images the service has not predicted: the batches on the model when the partitions move finish and
 * are committed first (BatchDrain). Without that, the joining consumer starts from the last commit and
 * is handed the images of a batch whose predictions are still on their way.
 */
@QuarkusTest
@WithTestResource(RealInfraTestResource.class)
class RebalanceHandoverTest {

    private static final int IMAGES = 320;
    /** The service's group (application.properties), which the joining consumer joins. */
    private static final String GROUP = "inference-service";

    private final RealInfrastructure infra = RealInfrastructure.shared();
    private final TopicReader reader = new TopicReader(infra);
    private final SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();

    @Inject
    ImageStore store;

    @Test
    void aConsumerJoiningMidStreamIsHandedNoImageWhosePredictionIsOnItsWay() {
        String run = "handover-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        // Eight distinct smears, each sent as many images: what is measured is the stream, not the model.
        List<byte[]> smears = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            smears.add(generator.generate(700 + i, BethesdaCategory.values()[i % 6]).jpegBytes());
        }
        List<ImageReceived> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            images.add(ReceivedImages.stored(store, run + i, smears.get(i % smears.size())));
        }
        Map<String, String> imageOfCase = images.stream().collect(Collectors.toMap(ImageReceived::getCaseId, ImageReceived::getImageId));
        new TopicWriter(infra).sendAll(Topics.IMAGES, images, ImageReceived::getCaseId);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200)).until(() -> !predicted(run, found -> !found.isEmpty()).isEmpty());

        Set<String> handed = new HashSet<>();
        Set<String> predictedWhileHeld;
        try (KafkaConsumer<String, byte[]> joining = new KafkaConsumer<>(joiningConsumerConfig())) {
            joining.subscribe(List.of(Topics.IMAGES));
            // Everything on its partitions from the group's committed offsets on, as a new replica would start.
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ZERO).until(() -> {
                joining.poll(Duration.ofMillis(250)).forEach(record -> {
                    if (record.key() != null && imageOfCase.containsKey(record.key())) {
                        handed.add(imageOfCase.get(record.key()));
                    }
                });
                Set<TopicPartition> held = joining.assignment();
                Map<TopicPartition, Long> ends = joining.endOffsets(held);
                return !held.isEmpty() && held.stream().allMatch(partition -> joining.position(partition) >= ends.get(partition));
            });
            assertThat(handed).as("the joining consumer was handed images still waiting (else this test shows nothing)").isNotEmpty();
            // The service predicts the images it kept; by the last of them, a batch it was running at the handover has ended too.
            Set<String> kept = new HashSet<>(imageOfCase.values());
            kept.removeAll(handed);
            predictedWhileHeld = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> predicted(run, found -> imagesOf(found).containsAll(kept)), found -> found.containsAll(kept));
        }
        assertThat(predictedWhileHeld).as("images predicted by the service while the joining consumer held them").doesNotContainAnyElementsOf(handed);

        // The joining consumer left without committing: the service takes its partitions back and predicts what it was handed.
        Set<String> all = Set.copyOf(imageOfCase.values());
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> predicted(run, found -> imagesOf(found).containsAll(all)).containsAll(all));
        Map<String, Long> perImage = reader.read(Topics.PREDICTIONS, PredictionMade.class, p -> p.getCaseId().startsWith(run),
                found -> found.size() >= IMAGES, Duration.ofSeconds(5)).stream()
                .collect(Collectors.groupingBy(record -> record.value().getImageId(), Collectors.counting()));
        assertThat(perImage).as("predictions per image").allSatisfy((image, predictions) -> assertThat(predictions).as(image).isEqualTo(1));
    }

    private Map<String, Object> joiningConsumerConfig() {
        Map<String, Object> config = new HashMap<>(infra.kafka().adminConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }

    /** The images of this run with a prediction on the topic, read until {@code enough} holds for them or a few seconds pass. */
    private Set<String> predicted(String run, Predicate<List<ConsumerRecord<String, PredictionMade>>> enough) {
        return imagesOf(reader.read(Topics.PREDICTIONS, PredictionMade.class, p -> p.getCaseId().startsWith(run), enough, Duration.ofSeconds(5)));
    }

    private static Set<String> imagesOf(List<ConsumerRecord<String, PredictionMade>> records) {
        return records.stream().map(record -> record.value().getImageId()).collect(Collectors.toSet());
    }
}
