package org.cytotriage.poison;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.DiagnosisRecorded;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.infra.RealInfrastructure;
import org.junit.jupiter.api.Test;

class PoisonCorpusTest {

    @Test
    void theCommonCorpusHasEveryStringFieldAtAndPastItsBoundAndTheRecordsNoReaderCanRead() {
        ImageReceived template = ImageReceived.newBuilder().setEventId("e").setImageId("i").setCaseId("c").setHospitalId("h")
                .setReceivedAt(Instant.now()).setSource("test").setImage(ImageRef.newBuilder().setKey("k").setSha256("s")
                        .setMediaType("image/png").setSizeBytes(1).setWidth(1).setHeight(1).build())
                .build();
        DiagnosisRecorded other = DiagnosisRecorded.newBuilder().setEventId("d").setCaseId("c").setHospitalId("h")
                .setRecordedAt(Instant.now()).setBethesdaCategory(org.cytotriage.events.v1.BethesdaCategory.II)
                .setGroup(TreatmentGroup.BENIGN).setVersion(1).setRecordedBy("dr").build();

        PoisonCorpus corpus = new PoisonCorpus(RealInfrastructure.shared(), Topics.IMAGES).common(template, other, image -> image);
        corpus.send();

        List<String> names = corpus.records().stream().map(Poison::name).toList();
        assertThat(names).contains("bytes that are not Avro", "an unknown schema id", "a schema the reader cannot resolve",
                "originalFileName at its bound (255)", "originalFileName one past its bound (256)", "image.key one past its bound (201)");
        assertThat(corpus.records()).filteredOn(p -> p.name().endsWith("one past its bound (256)")).singleElement()
                .satisfies(p -> assertThat(p.reason()).isEqualTo("originalFileName has 256 characters"));
        assertThat(corpus.records()).extracting(Poison::key).doesNotHaveDuplicates().allMatch(k -> k.startsWith(corpus.keyPrefix()));
    }

    @Test
    void thePoisonImagesAreWhatTheyClaimToBe() throws IOException {
        assertThat(ImageIO.read(new ByteArrayInputStream(PoisonImages.sixteenBitPng())).getColorModel().getComponentSize(0)).isEqualTo(16);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(PoisonImages.declaring(10_000, 10_000)))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in);
            assertThat(reader.getWidth(0)).isEqualTo(10_000);
            assertThat(reader.getHeight(0)).isEqualTo(10_000);
        }
        assertThat(PoisonImages.declaring(10_000, 10_000)).hasSizeLessThan(2_000);
        assertThat(ImageIO.read(new ByteArrayInputStream(PoisonImages.cmykJpeg())).getColorModel().getColorSpace().getType())
                .isEqualTo(java.awt.color.ColorSpace.TYPE_CMYK);
    }
}
