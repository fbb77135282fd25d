package org.cytotriage.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A scanner's inbox folder on the whole system (packaged jars, production profile): 100 files dropped,
 * good ones, bad ones, copies of good ones, ones still being written, and ingest-service restarted
 * in the middle. Every good file ends in done/ with one prediction on record, every bad one in
 * failed/ with the reason ingest gave, and nothing is left behind in the inbox.
 */
class InboxFolderTest {

    private static final String HOSPITAL = "hospital-inbox";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path inbox;

    private final SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
    /** File name -> what ingest should make of it: a case id, or the problem type it refuses it with. */
    private final Map<String, String> good = new LinkedHashMap<>();
    private final Map<String, String> bad = new LinkedHashMap<>();

    @Test
    void everyGoodFileEndsInDoneWithOnePredictionAndEveryBadOneInFailedWithItsReasonAcrossARestart() throws Exception {
        LocalStack.Layout layout = LocalStack.Layout.only("ingest-service", "inference-service", "audit-service")
                .withEnvironment("CYTOTRIAGE_INGEST_INBOX_FOLDERS_SCANNER1_PATH", inbox.toString())
                .withEnvironment("CYTOTRIAGE_INGEST_INBOX_FOLDERS_SCANNER1_HOSPITAL_ID", HOSPITAL);
        try (LocalStack stack = LocalStack.start(layout)) {
            // The first half: 30 smears named by case, 5 with a sidecar, 5 copies of earlier ones, 10 refusals.
            for (int i = 0; i < 30; i++) {
                smear("INBOX-" + i + "_01.jpg", "INBOX-" + i, i);
            }
            for (int i = 0; i < 5; i++) {
                smearWithSidecar("scan" + i + ".jpg", "INBOX-S" + i, 100 + i);
                smear("INBOX-" + i + "_copy.jpg", "INBOX-" + i, i); // the same bytes for the same case
            }
            refusals(0);
            awaitHandled(20);

            ServiceLauncher ingest = stack.processes("ingest-service").get(0);
            ingest.stop();
            // While it is away: the second half, and files a scanner is still writing under its own suffix.
            for (int i = 30; i < 50; i++) {
                smear("INBOX-" + i + "_01.jpg", "INBOX-" + i, i);
            }
            for (int i = 5; i < 10; i++) {
                smearWithSidecar("scan" + i + ".jpg", "INBOX-S" + i, 100 + i);
                smear("INBOX-" + (30 + i) + "_copy.jpg", "INBOX-" + (30 + i), 30 + i);
            }
            refusals(5);
            List<Path> writing = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                writing.add(Files.write(inbox.resolve("INBOX-P" + i + "_01.jpg.part"), jpeg(200 + i)));
                good.put("INBOX-P" + i + "_01.jpg", "INBOX-P" + i);
            }
            ingest.start();
            for (Path part : writing) {
                Files.move(part, inbox.resolve(part.getFileName().toString().replace(".part", "")));
            }
            // Five written slowly in place, in two halves: a file taken before it is complete would be refused as damaged.
            for (int i = 0; i < 5; i++) {
                byte[] bytes = jpeg(300 + i);
                Path slow = inbox.resolve("INBOX-W" + i + "_01.jpg");
                Files.write(slow, Arrays.copyOf(bytes, bytes.length / 2));
                Thread.sleep(600); // the scanner's pace, not a wait for the service
                Files.write(slow, Arrays.copyOfRange(bytes, bytes.length / 2, bytes.length), StandardOpenOption.APPEND);
                good.put(slow.getFileName().toString(), "INBOX-W" + i);
            }
            assertThat(good.size() + bad.size()).as("files dropped").isEqualTo(100);

            awaitHandled(100);
            assertThat(imagesIn(inbox)).as("left in the inbox").isEmpty();
            assertThat(imagesIn(inbox.resolve("done"))).as("done/").containsExactlyInAnyOrderElementsOf(good.keySet());
            assertThat(imagesIn(inbox.resolve("failed"))).as("failed/").containsExactlyInAnyOrderElementsOf(bad.keySet());
            bad.forEach((name, type) -> {
                JsonNode reason = read(inbox.resolve("failed").resolve(name + ".reason.json"));
                assertThat(reason.path("type").asText()).as(name).isEqualTo("urn:cytotriage:problem:" + type);
                assertThat(reason.path("detail").asText()).as(name).isNotBlank();
            });
            assertThat(inbox.resolve("done/scan3.jpg.case")).as("a sidecar goes with its image").hasContent("INBOX-S3");

            Set<String> cases = new HashSet<>(good.values());
            List<ConsumerRecord<String, PredictionMade>> predictions = new TopicReader(stack.infrastructure()).read(Topics.PREDICTIONS,
                    PredictionMade.class, p -> p.getHospitalId().equals(HOSPITAL),
                    found -> found.stream().map(r -> r.value().getCaseId()).collect(Collectors.toSet()).containsAll(cases), Duration.ofMinutes(3));
            Map<String, Long> perImage = predictions.stream().collect(Collectors.groupingBy(r -> r.value().getImageId(), Collectors.counting()));
            assertThat(predictions.stream().map(r -> r.value().getCaseId()).collect(Collectors.toSet())).as("cases predicted")
                    .containsExactlyInAnyOrderElementsOf(cases);
            assertThat(perImage).as("one image per case (a copy is the same image)").hasSize(cases.size());
            assertThat(perImage).as("predictions per image").allSatisfy((image, count) -> assertThat(count).as(image).isEqualTo(1));
        }
    }

    /** Ten refusals from offset {@code from}: damaged, not an image, empty, and a good smear whose name names no case. */
    private void refusals(int from) throws IOException {
        for (int i = from; i < from + 5; i++) {
            byte[] bytes = jpeg(400 + i);
            drop("INBOX-T" + i + "_truncated.jpg", Arrays.copyOf(bytes, bytes.length / 3), bad, "invalid-image");
        }
        drop("INBOX-X" + from + "_notes.jpg", "slide 4 smudged, rescan".getBytes(), bad, "unsupported-image");
        drop("INBOX-E" + from + "_empty.jpg", new byte[0], bad, "invalid-image");
        drop("noid" + from + ".jpg", jpeg(500 + from), bad, "no-case-id");
        drop("noid" + (from + 1) + ".jpg", jpeg(501 + from), bad, "no-case-id");
        drop("INBOX-" + from + "bad id!_01.jpg", jpeg(502 + from), bad, "invalid-caseId");
    }

    private void smear(String name, String caseId, long seed) throws IOException {
        drop(name, jpeg(seed), good, caseId);
    }

    private void smearWithSidecar(String name, String caseId, long seed) throws IOException {
        Files.writeString(inbox.resolve(name + ".case"), caseId + "\n");
        smear(name, caseId, seed);
    }

    private void drop(String name, byte[] bytes, Map<String, String> expected, String outcome) throws IOException {
        // Written beside and renamed in, as the test cannot write 100 files at a scanner's pace.
        Path written = Files.write(inbox.resolve("." + name), bytes);
        Files.move(written, inbox.resolve(name));
        expected.put(name, outcome);
    }

    private byte[] jpeg(long seed) {
        return generator.generate(7000 + seed, BethesdaCategory.values()[(int) (seed % 6)]).jpegBytes();
    }

    private void awaitHandled(int files) {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(250))
                .until(() -> imagesIn(inbox.resolve("done")).size() + imagesIn(inbox.resolve("failed")).size() >= files);
    }

    private static List<String> imagesIn(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString())
                    .filter(name -> !name.startsWith(".") && !name.endsWith(".case") && !name.endsWith(".reason.json")).toList();
        }
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
    }
}
