package org.cytotriage.ingest.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.cytotriage.infra.DicomFiles;
import org.cytotriage.infra.DicomFiles.Encoding;
import org.cytotriage.ingest.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The DICOM reader against files made by dcmtk, and against a corpus of files a sender could get
 * wrong: each refused with the failure reason a STOW-RS response carries, and words that say why.
 * What it reads is checked against dcmtk's own reading of the same file (dcmdump for attributes,
 * dcm2pnm for pixels), never against itself.
 */
class DicomReaderTest {

    private static final String STUDY = "1.2.826.0.1.3680043.10.1199.1";
    private static final String SERIES = "1.2.826.0.1.3680043.10.1199.1.1";

    @TempDir
    Path directory;

    private DicomFiles dicom;

    private DicomFiles dicom() {
        if (dicom == null) {
            dicom = new DicomFiles(directory);
        }
        return dicom;
    }

    @ParameterizedTest
    @ValueSource(strings = {DicomFiles.VL_MICROSCOPIC, DicomFiles.VL_PHOTOGRAPHIC, DicomFiles.SECONDARY_CAPTURE})
    void aJpegBaselineImageIsTheJpegStreamItHolds(String sopClass) throws IOException {
        byte[] jpeg = TestImages.encoded("jpeg", 41);
        byte[] file = dicom().of(jpeg, sopClass, Encoding.JPEG_BASELINE, attributes("CASE-41"));

        DicomInstance instance = DicomReader.read(file);

        String dump = dicom().dump(file);
        assertThat(instance.transferSyntaxUid()).isEqualTo(DicomReader.JPEG_BASELINE);
        assertThat(instance.identity()).isEqualTo(new DicomInstance.Identity(STUDY, SERIES, dumped(dump, "0008,0018"), sopClass));
        assertThat(instance.attribute(DicomReader.ACCESSION_NUMBER)).isEqualTo("CASE-41");
        assertThat(instance.image().mediaType()).isEqualTo("image/jpeg");
        // img2dcm keeps the compressed stream as it was (it drops APPn segments only): the same pixels, no re-encoding.
        assertThat(pixels(instance.image().bytes())).isEqualTo(pixels(jpeg));
    }

    @ParameterizedTest
    @EnumSource(value = Encoding.class, names = {"EXPLICIT_LITTLE_ENDIAN", "IMPLICIT_LITTLE_ENDIAN"})
    void uncompressedColourPixelsBecomeAPngOfExactlyThePixelsDcmtkReads(Encoding encoding) throws IOException {
        byte[] file = dicom().of(TestImages.encoded("jpeg", 42), DicomFiles.VL_MICROSCOPIC, encoding, attributes("CASE-42"));

        DicomInstance instance = DicomReader.read(file);

        assertThat(instance.image().mediaType()).isEqualTo("image/png");
        assertThat(instance.identity().studyInstanceUid()).isEqualTo(STUDY);
        assertThat(pixels(instance.image().bytes())).isEqualTo(pixels(dcm2pnm(file)));
    }

    @Test
    void uncompressedGreyPixelsBecomeAGreyPngOfExactlyThePixelsDcmtkReads() throws IOException {
        BufferedImage grey = ImageIO.read(new ByteArrayInputStream(TestImages.encoded("png", 43)));
        BufferedImage converted = new BufferedImage(grey.getWidth(), grey.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
        converted.getGraphics().drawImage(grey, 0, 0, null);
        java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
        ImageIO.write(converted, "jpeg", jpeg);
        byte[] file = dicom().of(jpeg.toByteArray(), DicomFiles.SECONDARY_CAPTURE, Encoding.EXPLICIT_LITTLE_ENDIAN, attributes("CASE-43"));
        assertThat(dicom().dump(file)).contains("MONOCHROME2");

        DicomInstance instance = DicomReader.read(file);

        assertThat(pixels(instance.image().bytes())).isEqualTo(pixels(dcm2pnm(file)));
        assertThat(ImageIO.read(new ByteArrayInputStream(instance.image().bytes())).getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    }

    @Test
    void aFileThatIsNotDicomCannotBeUnderstood() {
        DicomRefusal refusal = refused(TestImages.encoded("jpeg", 44));

        assertThat(refusal.reason()).isEqualTo(DicomRefusal.CANNOT_UNDERSTAND);
        assertThat(refusal.getMessage()).contains("DICM");
        assertThat(refusal.identity()).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {140, 400, 2_000})
    void aTruncatedFileCannotBeUnderstoodAndSaysWhereItEnds(int keep) {
        byte[] file = dicom().of(TestImages.encoded("jpeg", 45), DicomFiles.VL_MICROSCOPIC, Encoding.JPEG_BASELINE, attributes("CASE-45"));

        DicomRefusal refusal = refused(Arrays.copyOf(file, keep));

        assertThat(refusal.reason()).isEqualTo(DicomRefusal.CANNOT_UNDERSTAND);
        assertThat(refusal.getMessage()).containsAnyOf("ends at byte " + keep, "remain", "no transfer syntax");
    }

    @Test
    void anElementClaimingMoreBytesThanTheFileHoldsCannotBeUnderstood() {
        byte[] file = dicom().of(TestImages.encoded("jpeg", 46), DicomFiles.VL_MICROSCOPIC, Encoding.EXPLICIT_LITTLE_ENDIAN,
                attributes("CASE-46"));
        // The Accession Number's 2-byte length (explicit VR SH), made larger than what follows it.
        int at = indexOf(file, new byte[] {0x08, 0x00, 0x50, 0x00, 'S', 'H'});
        file[at + 6] = (byte) 0xFF;
        file[at + 7] = (byte) 0x7F;

        DicomRefusal refusal = refused(Arrays.copyOf(file, at + 8 + 1000));

        assertThat(refusal.reason()).isEqualTo(DicomRefusal.CANNOT_UNDERSTAND);
        assertThat(refusal.getMessage()).contains("(0008,0050)").contains("claims 32767 bytes");
    }

    @Test
    void anUnknownTransferSyntaxIsRefusedAsNotSupportedNamingTheInstance() {
        byte[] file = DicomFiles.relabelledAsJpeg2000(dicom().of(TestImages.encoded("jpeg", 47), DicomFiles.VL_MICROSCOPIC,
                Encoding.JPEG_BASELINE, attributes("CASE-47")));

        DicomRefusal refusal = refused(file);

        assertThat(refusal.reason()).isEqualTo(DicomRefusal.TRANSFER_SYNTAX_NOT_SUPPORTED);
        assertThat(refusal.getMessage()).contains(DicomFiles.JPEG_2000_UID);
        assertThat(refusal.identity().sopInstanceUid()).isEqualTo(dumped(dicom().dump(file), "0002,0003"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.10008.5.1.4.1.1.77.1.6", "1.2.840.10008.5.1.4.1.1.2"})
    void aWholeSlidePyramidOrAnImageOfAnotherKindIsRefusedAsAClassNotSupported(String sopClass) throws IOException {
        byte[] file = modified(dicom().of(TestImages.encoded("jpeg", 48), DicomFiles.VL_MICROSCOPIC, Encoding.JPEG_BASELINE,
                attributes("CASE-48")), "-m", "SOPClassUID=" + sopClass);

        DicomRefusal refusal = refused(file);

        assertThat(refusal.reason()).isEqualTo(DicomRefusal.SOP_CLASS_NOT_SUPPORTED);
        assertThat(refusal.getMessage()).contains(sopClass.endsWith("77.1.6") ? "Whole Slide" : sopClass);
        assertThat(refusal.identity().sopClassUid()).isEqualTo(sopClass);
    }

    @Test
    void severalFramesAreRefusedAsAProcessingFailure() throws IOException {
        byte[] file = modified(dicom().of(TestImages.encoded("jpeg", 49), DicomFiles.VL_MICROSCOPIC, Encoding.JPEG_BASELINE,
                attributes("CASE-49")), "-i", "NumberOfFrames=3");

        DicomRefusal refusal = refused(file);

        assertThat(refusal.reason()).isEqualTo(DicomRefusal.PROCESSING_FAILURE);
        assertThat(refusal.getMessage()).contains("3 frames");
    }

    @Test
    void aMissingStudyInstanceUidDoesNotMatchTheClass() throws IOException {
        byte[] file = modified(dicom().of(TestImages.encoded("jpeg", 50), DicomFiles.VL_MICROSCOPIC, Encoding.JPEG_BASELINE,
                attributes("CASE-50")), "-e", "StudyInstanceUID");

        DicomRefusal refusal = refused(file);

        assertThat(refusal.reason()).isEqualTo(DicomRefusal.DATA_SET_DOES_NOT_MATCH);
        assertThat(refusal.getMessage()).contains("Study Instance UID");
        assertThat(refusal.identity().sopInstanceUid()).as("the instance is still named").isNotNull();
    }

    @Test
    void pixelDataShorterThanItsRowsAndColumnsDoesNotMatchTheClass() throws IOException {
        byte[] file = modified(dicom().of(TestImages.encoded("jpeg", 51), DicomFiles.VL_MICROSCOPIC, Encoding.EXPLICIT_LITTLE_ENDIAN,
                attributes("CASE-51")), "-m", "Rows=480");

        DicomRefusal refusal = refused(file);

        assertThat(refusal.reason()).isEqualTo(DicomRefusal.DATA_SET_DOES_NOT_MATCH);
        assertThat(refusal.getMessage()).contains("320 x 480 x 3");
    }

    private static Map<String, String> attributes(String accession) {
        return Map.of("AccessionNumber", accession, "StudyInstanceUID", STUDY, "SeriesInstanceUID", SERIES);
    }

    private static DicomRefusal refused(byte[] file) {
        DicomRefusal refusal = catchThrowableOfType(DicomRefusal.class, () -> DicomReader.read(file));
        assertThat(refusal).as("refused").isNotNull();
        return refusal;
    }

    /** dcmtk's dcmodify on a copy of the file. */
    private byte[] modified(byte[] file, String... arguments) throws IOException {
        Path path = Files.write(directory.resolve("modified-" + System.nanoTime() + ".dcm"), file);
        List<String> command = new java.util.ArrayList<>(List.of("dcmodify", "-q", "-nb"));
        command.addAll(List.of(arguments));
        command.add(path.toString());
        run(command);
        return Files.readAllBytes(path);
    }

    /** dcmtk's own rendering of the file's pixels, as a PNG (dcm2pnm, no windowing of colour or 8-bit grey). */
    private byte[] dcm2pnm(byte[] file) throws IOException {
        Path in = Files.write(directory.resolve("pnm-" + System.nanoTime() + ".dcm"), file);
        Path out = directory.resolve(in.getFileName() + ".png");
        run(List.of("dcm2pnm", "-q", "+on", in.toString(), out.toString()));
        return Files.readAllBytes(out);
    }

    private void run(List<String> command) throws IOException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("commands.log").toFile()).start();
            assertThat(process.waitFor()).as(String.join(" ", command) + ": " + Files.readString(directory.resolve("commands.log")))
                    .isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static int[] pixels(byte[] image) throws IOException {
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(image));
        return decoded.getRGB(0, 0, decoded.getWidth(), decoded.getHeight(), null, 0, decoded.getWidth());
    }

    /** A UI value as dcmdump prints it: {@code (0008,0018) UI [1.2.3]}. */
    private static String dumped(String dump, String tag) {
        Matcher value = Pattern.compile("\\(" + tag + "\\) UI \\[([0-9.]+)\\]").matcher(dump);
        assertThat(value.find()).as(tag + " in\n" + dump).isTrue();
        return value.group(1);
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }
}
