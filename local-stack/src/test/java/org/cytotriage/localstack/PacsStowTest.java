package org.cytotriage.localstack;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.PredictionMade;
import org.cytotriage.infra.DicomFiles;
import org.cytotriage.infra.DicomFiles.Encoding;
import org.cytotriage.infra.OrthancProcess;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.restassured.path.json.JsonPath;

/**
 * A hospital's PACS on the whole system (packaged jars, production profile): Orthanc holds studies
 * made by dcmtk from synthetic smears, and sends them to ingest with its own DICOMweb client (STOW-RS),
 * authenticated as the hospital's PACS account. Every instance ends on record in audit-service as an
 * image of the case its Accession Number names, with its UIDs and one prediction; the study sent
 * again adds nothing.
 */
class PacsStowTest {

    private static final String HOSPITAL = "demo-hospital";

    @TempDir
    Path directory;

    @Test
    void studiesAPacsSendsEndOnRecordWithTheirUidsAndOnePredictionPerInstance() {
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        DicomFiles dicom = new DicomFiles(directory.resolve("made"));
        directory.resolve("made").toFile().mkdirs();
        LocalStack.Layout layout = LocalStack.Layout.only("ingest-service", "inference-service", "audit-service");
        try (LocalStack stack = LocalStack.start(layout); OrthancProcess pacs = OrthancProcess.start(directory.resolve("orthanc"))) {
            // Three studies, each a case: a JPEG microscopic image and an uncompressed secondary capture.
            Map<String, List<String>> instancesByCase = new HashMap<>();
            List<String> studies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String caseId = "PACS-" + System.currentTimeMillis() + "-" + i;
                String study = "1.2.826.0.1.3680043.10.1199." + System.nanoTime();
                Map<String, String> attributes = Map.of("AccessionNumber", caseId, "StudyInstanceUID", study, "SeriesInstanceUID", study + ".1");
                for (Encoding encoding : List.of(Encoding.JPEG_BASELINE, Encoding.EXPLICIT_LITTLE_ENDIAN)) {
                    byte[] smear = generator.generate(8100 + i * 2L + encoding.ordinal(), BethesdaCategory.values()[i * 2]).jpegBytes();
                    String sopClass = encoding == Encoding.JPEG_BASELINE ? DicomFiles.VL_MICROSCOPIC : DicomFiles.SECONDARY_CAPTURE;
                    var stored = pacs.store(dicom.of(smear, sopClass, encoding, attributes));
                    studies.add(stored.get("ParentStudy").asText());
                    String sopInstance = given().get(pacs.baseUrl() + "/instances/" + stored.get("ID").asText() + "/simplified-tags")
                            .then().statusCode(200).extract().path("SOPInstanceUID");
                    instancesByCase.computeIfAbsent(caseId, c -> new ArrayList<>()).add(sopInstance);
                }
            }
            List<String> distinctStudies = studies.stream().distinct().toList();
            assertThat(distinctStudies).hasSize(3);

            pacs.addDicomWebServer("cytotriage", stack.url("ingest-service") + "/dicomweb/",
                    Map.of("Authorization", "Bearer " + stack.logins().pacs(HOSPITAL)));
            HttpResponse<String> sent = pacs.stow("cytotriage", distinctStudies);
            assertThat(sent.statusCode()).as("Orthanc's STOW-RS: " + sent.body()).isEqualTo(200);

            String cytopathologist = stack.logins().user("cyto.demo");
            instancesByCase.forEach((caseId, instances) -> {
                JsonPath found = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(
                        () -> given().auth().oauth2(cytopathologist).get(stack.url("audit-service") + "/api/v1/cases/" + caseId).then()
                                .extract().jsonPath(),
                        json -> json.getList("images") != null && json.getList("images").size() == 2
                                && json.getList("images.prediction").stream().allMatch(p -> p != null));
                assertThat(found.getString("hospitalId")).isEqualTo(HOSPITAL);
                assertThat(found.getList("images.dicom.sopInstanceUid", String.class)).as(caseId).containsExactlyInAnyOrderElementsOf(instances);
                assertThat(found.getList("images.dicom.sopClassUid", String.class)).as(caseId)
                        .containsExactlyInAnyOrder(DicomFiles.VL_MICROSCOPIC, DicomFiles.SECONDARY_CAPTURE);
                assertThat(found.getList("images.mediaType", String.class)).containsExactlyInAnyOrder("image/jpeg", "image/png");
                assertThat(found.getList("images.prediction.group", String.class)).allSatisfy(group -> assertThat(group).isNotBlank());
            });

            // The PACS sends the studies again (a retry after a lost answer). ingest answers a STOW-RS request
            // only once each instance is on Kafka, so whatever the retry published is on the topic now.
            assertThat(pacs.stow("cytotriage", distinctStudies).statusCode()).isEqualTo(200);
            List<ConsumerRecord<String, ImageReceived>> published = new TopicReader(stack.infrastructure()).read(Topics.IMAGES,
                    ImageReceived.class, e -> instancesByCase.containsKey(e.getCaseId()), found -> found.size() > 6, Duration.ofSeconds(10));
            assertThat(published).as("images published, though sent twice").hasSize(6);
            List<ConsumerRecord<String, PredictionMade>> predictions = new TopicReader(stack.infrastructure()).read(Topics.PREDICTIONS,
                    PredictionMade.class, p -> instancesByCase.containsKey(p.getCaseId()), found -> found.size() > 6, Duration.ofSeconds(10));
            Map<String, Long> perImage = predictions.stream().collect(Collectors.groupingBy(r -> r.value().getImageId(), Collectors.counting()));
            assertThat(perImage).as("predictions per instance").hasSize(6).allSatisfy((image, count) -> assertThat(count).as(image).isEqualTo(1));
        }
    }
}
