package org.cytotriage.ingest.dicom;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.infra.DicomFiles;
import org.cytotriage.infra.DicomFiles.Encoding;
import org.cytotriage.infra.RealInfraTestResource;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.Tokens;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.ingest.AcceptingIngest;
import org.cytotriage.ingest.TestImages;
import org.cytotriage.support.identity.Roles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * DICOMweb STOW-RS into ingest, on real Kafka, registry and Keycloak: instances made by dcmtk become
 * images of the case their Accession Number names, with their UIDs on ImageReceived; a study's
 * unusable instances fail alone, each with its DICOM failure reason; the response is PS3.18's.
 */
@QuarkusTest
@WithTestResource(value = RealInfraTestResource.class, initArgs = @ResourceArg(name = "identity", value = "true"))
class StowTest {

    private static final String HOSPITAL = "hospital-pacs";
    private static final String BOUNDARY = "cytotriage-stow-test";

    private final TopicReader topic = new TopicReader(RealInfrastructure.shared());

    @TempDir
    Path directory;

    @BeforeEach
    void ingestAccepts() {
        AcceptingIngest.awaitAccepting();
    }

    @Test
    void eachInstanceBecomesAnImageOfTheCaseItsAccessionNumberNamesWithItsUidsOnTheEvent() {
        DicomFiles dicom = new DicomFiles(directory);
        String study = uid();
        byte[] jpeg = dicom.of(TestImages.encoded("jpeg", 61), DicomFiles.VL_MICROSCOPIC, Encoding.JPEG_BASELINE, attributes("STOW-1", study));
        byte[] uncompressed = dicom.of(TestImages.encoded("jpeg", 62), DicomFiles.SECONDARY_CAPTURE, Encoding.EXPLICIT_LITTLE_ENDIAN,
                attributes("STOW-1", study));
        String jpegUid = DicomReader.read(jpeg).identity().sopInstanceUid();
        String uncompressedUid = DicomReader.read(uncompressed).identity().sopInstanceUid();

        JsonPath answer = stow(asPacs(), jpeg, uncompressed).then().statusCode(200).contentType("application/dicom+json").extract().jsonPath();

        assertThat(answer.getList("00081199.Value.00081155.Value.flatten()", String.class)).containsExactly(jpegUid, uncompressedUid);
        assertThat(answer.getList("00081199.Value.00081150.Value.flatten()", String.class))
                .containsExactly(DicomFiles.VL_MICROSCOPIC, DicomFiles.SECONDARY_CAPTURE);
        assertThat(answer.getMap("00081198")).as("no failed sequence").isNull();

        Map<String, ImageReceived> events = published("STOW-1", 2);
        assertThat(events).containsOnlyKeys(jpegUid, uncompressedUid);
        events.values().forEach(event -> {
            assertThat(event.getHospitalId()).isEqualTo(HOSPITAL);
            assertThat(event.getSource()).isEqualTo("dicomweb");
            assertThat(event.getDicom().getStudyInstanceUid()).isEqualTo(study);
            assertThat(event.getDicom().getSeriesInstanceUid()).isEqualTo(study + ".1");
            assertThat(event.getOriginalFileName()).isEqualTo(event.getDicom().getSopInstanceUid() + ".dcm");
            assertThat(event.getImage().getWidth()).isEqualTo(320);
        });
        assertThat(events.get(jpegUid).getImage().getMediaType()).isEqualTo("image/jpeg");
        assertThat(events.get(uncompressedUid).getImage().getMediaType()).isEqualTo("image/png");
        assertThat(events.get(jpegUid).getDicom().getSopClassUid()).isEqualTo(DicomFiles.VL_MICROSCOPIC);

        // The PACS sends the study again (it never heard the answer): stored, and nothing published twice.
        stow(asPacs(), jpeg, uncompressed).then().statusCode(200);
        assertThat(topic.read(Topics.IMAGES, ImageReceived.class, e -> e.getCaseId().equals("STOW-1"), found -> found.size() > 2,
                Duration.ofSeconds(5))).as("events for STOW-1").hasSize(2);
    }

    @Test
    void aStudysUnusableInstancesFailAloneEachWithItsReasonAndTheRestAreStored() {
        DicomFiles dicom = new DicomFiles(directory);
        String study = uid();
        byte[] good = dicom.of(TestImages.encoded("jpeg", 63), DicomFiles.VL_PHOTOGRAPHIC, Encoding.JPEG_BASELINE, attributes("STOW-2", study));
        byte[] noCase = dicom.of(TestImages.encoded("jpeg", 64), DicomFiles.VL_MICROSCOPIC, Encoding.JPEG_BASELINE,
                Map.of("StudyInstanceUID", study, "SeriesInstanceUID", study + ".1"));
        byte[] jpeg2000 = DicomFiles.relabelledAsJpeg2000(dicom.of(TestImages.encoded("jpeg", 65), DicomFiles.VL_MICROSCOPIC,
                Encoding.JPEG_BASELINE, attributes("STOW-2", study)));
        byte[] truncated = Arrays.copyOf(dicom.of(TestImages.encoded("jpeg", 66), DicomFiles.VL_MICROSCOPIC, Encoding.JPEG_BASELINE,
                attributes("STOW-2", study)), 3_000);
        byte[] badCaseId = dicom.of(TestImages.encoded("jpeg", 67), DicomFiles.VL_MICROSCOPIC, Encoding.JPEG_BASELINE,
                attributes("STOW 2/x", study));

        JsonPath answer = stow(asPacs(), good, noCase, jpeg2000, truncated, badCaseId).then().statusCode(202).extract().jsonPath();

        assertThat(answer.getList("00081199.Value.00081155.Value.flatten()", String.class))
                .containsExactly(DicomReader.read(good).identity().sopInstanceUid());
        List<Integer> reasons = answer.getList("00081198.Value.00081197.Value.flatten()", Integer.class);
        assertThat(reasons).containsExactly(DicomRefusal.DATA_SET_DOES_NOT_MATCH, DicomRefusal.TRANSFER_SYNTAX_NOT_SUPPORTED,
                DicomRefusal.CANNOT_UNDERSTAND, DicomRefusal.PROCESSING_FAILURE);
        List<String> comments = answer.getList("00081198.Value.00000902.Value.flatten()", String.class);
        assertThat(comments.get(0)).contains("(0008,0050)");
        assertThat(comments.get(1)).contains(DicomFiles.JPEG_2000_UID);
        assertThat(comments.get(3)).contains("caseId");
        assertThat(comments).allSatisfy(comment -> assertThat(comment.length()).as("an LO value").isLessThanOrEqualTo(64));
        assertThat(answer.getList("00081198.Value.00081155.Value.flatten()", String.class)).as("failures named where the file names them")
                .contains(DicomReader.read(noCase).identity().sopInstanceUid());

        assertThat(published("STOW-2", 1)).hasSize(1);
    }

    @Test
    void aRequestOfNothingUsableIsAConflict() {
        byte[] notDicom = TestImages.encoded("jpeg", 68);

        JsonPath answer = stow(asPacs(), notDicom).then().statusCode(409).extract().jsonPath();

        assertThat(answer.getList("00081198.Value.00081197.Value.flatten()", Integer.class)).containsExactly(DicomRefusal.CANNOT_UNDERSTAND);
    }

    @Test
    void anInstanceOfAnotherStudyThanTheOneAddressedFails() {
        byte[] file = new DicomFiles(directory).of(TestImages.encoded("jpeg", 69), DicomFiles.VL_MICROSCOPIC, Encoding.JPEG_BASELINE,
                attributes("STOW-3", uid()));

        JsonPath answer = asPacs().contentType("multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY).body(multipart(file))
                .when().post("/dicomweb/studies/" + uid()).then().statusCode(409).extract().jsonPath();

        assertThat(answer.getList("00081198.Value.00081197.Value.flatten()", Integer.class)).containsExactly(DicomRefusal.DATA_SET_DOES_NOT_MATCH);
    }

    @Test
    void partsThatAreNotWholeDicomFilesAreRefusedAsAnUnsupportedMediaType() {
        asPacs().contentType("multipart/related; type=\"application/dicom+xml\"; boundary=" + BOUNDARY).body(multipart(new byte[] {1}))
                .when().post("/dicomweb/studies")
                .then().statusCode(415).contentType("application/problem+json").body("type",
                        org.hamcrest.Matchers.equalTo("urn:cytotriage:problem:unsupported-media-type"));
    }

    @Test
    void onlyAPacsAccountMayStore() {
        byte[] body = multipart(TestImages.encoded("jpeg", 70));
        String type = "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY;
        given().contentType(type).body(body).when().post("/dicomweb/studies").then().statusCode(401);
        given().auth().oauth2(Tokens.of(Roles.SCANNER, HOSPITAL)).contentType(type).body(body).when().post("/dicomweb/studies")
                .then().statusCode(403);
    }

    private static RequestSpecification asPacs() {
        return given().auth().oauth2(Tokens.of(Roles.PACS, HOSPITAL));
    }

    private static Response stow(RequestSpecification as, byte[]... files) {
        return as.contentType("multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY).accept("application/dicom+json")
                .body(multipart(files)).when().post("/dicomweb/studies");
    }

    /** A multipart/related body as PS3.18 8.6.1.2 lays it out: one application/dicom part per file. */
    private static byte[] multipart(byte[]... files) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] file : files) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(file);
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /** The images published for a case, by SOP Instance UID. */
    private Map<String, ImageReceived> published(String caseId, int expected) {
        List<ConsumerRecord<String, ImageReceived>> records = topic.read(Topics.IMAGES, ImageReceived.class,
                e -> e.getCaseId().equals(caseId) && e.getHospitalId().equals(HOSPITAL), found -> found.size() >= expected, Duration.ofSeconds(20));
        return records.stream().map(ConsumerRecord::value).collect(Collectors.toMap(e -> e.getDicom().getSopInstanceUid(), e -> e));
    }

    private static Map<String, String> attributes(String accession, String study) {
        return Map.of("AccessionNumber", accession, "StudyInstanceUID", study, "SeriesInstanceUID", study + ".1");
    }

    /** A UID of its own for each study (2.25: a UUID as a decimal number, PS3.5 B.2). */
    private static String uid() {
        UUID uuid = UUID.randomUUID();
        return "2.25." + new java.math.BigInteger(1, java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array());
    }
}
