package org.cytotriage.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DICOM files made the way a hospital's tools make them: by dcmtk (Debian's {@code dcmtk}; .ci/run
 * installs it from ingest-service/requirements-debian.txt), never by the code under test. A JPEG
 * becomes a Part 10 file with {@code img2dcm} (JPEG baseline, encapsulated), and {@code dcmdjpeg} and
 * {@code dcmconv} turn one into uncompressed explicit or implicit VR little endian.
 */
public final class DicomFiles {

    public static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
    public static final String VL_PHOTOGRAPHIC = "1.2.840.10008.5.1.4.1.1.77.1.4";
    public static final String VL_MICROSCOPIC = "1.2.840.10008.5.1.4.1.1.77.1.2";
    public static final String JPEG_BASELINE_UID = "1.2.840.10008.1.2.4.50";
    public static final String JPEG_2000_UID = "1.2.840.10008.1.2.4.90";

    /** How the pixels are encoded in the file. */
    public enum Encoding {
        JPEG_BASELINE, EXPLICIT_LITTLE_ENDIAN, IMPLICIT_LITTLE_ENDIAN
    }

    private final Path directory;
    private int made;

    /** Files are made in {@code directory} (a test's temporary folder). */
    public DicomFiles(Path directory) {
        this.directory = directory;
    }

    /**
     * A DICOM file of this JPEG: {@code sopClass} one of the constants here, {@code attributes} set
     * by name as dcmtk's dictionary knows them (AccessionNumber, StudyInstanceUID, ...).
     */
    public byte[] of(byte[] jpeg, String sopClass, Encoding encoding, Map<String, String> attributes) {
        try {
            Path source = Files.write(directory.resolve("source-" + (++made) + ".jpg"), jpeg);
            Path file = directory.resolve("made-" + made + ".dcm");
            List<String> img2dcm = new ArrayList<>(List.of("img2dcm", "-q"));
            img2dcm.add(VL_PHOTOGRAPHIC.equals(sopClass) || VL_MICROSCOPIC.equals(sopClass) ? "-vlp" : "-sc");
            attributes.forEach((name, value) -> img2dcm.addAll(List.of("-k", name + "=" + value)));
            img2dcm.addAll(List.of(source.toString(), file.toString()));
            run(img2dcm);
            if (VL_MICROSCOPIC.equals(sopClass)) {
                // img2dcm writes no microscopic class; dcmodify sets it (and the meta information's copy of it).
                run(List.of("dcmodify", "-q", "-nb", "-m", "SOPClassUID=" + VL_MICROSCOPIC, "-m", "Modality=GM", file.toString()));
            }
            if (encoding != Encoding.JPEG_BASELINE) {
                Path uncompressed = directory.resolve("made-" + made + "-native.dcm");
                run(List.of("dcmdjpeg", "-q", encoding == Encoding.IMPLICIT_LITTLE_ENDIAN ? "+ti" : "+te", file.toString(),
                        uncompressed.toString()));
                file = uncompressed;
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The file relabelled as JPEG 2000 lossless (1.2.840.10008.1.2.4.90) in its meta information:
     * a transfer syntax dcmtk here cannot write and ingest does not read. The UID has JPEG
     * baseline's length, so the file stays well formed.
     */
    public static byte[] relabelledAsJpeg2000(byte[] jpegBaselineFile) {
        byte[] from = JPEG_BASELINE_UID.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] file = jpegBaselineFile.clone();
        for (int at = 0; at <= file.length - from.length; at++) {
            if (java.util.Arrays.equals(file, at, at + from.length, from, 0, from.length)) {
                System.arraycopy(JPEG_2000_UID.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, file, at, from.length);
                return file;
            }
        }
        throw new IllegalArgumentException("not a JPEG baseline file: no " + JPEG_BASELINE_UID);
    }

    /** dcmtk's own dump of a file, for a failure's message or to read back what it made. */
    public String dump(byte[] file) {
        try {
            Path path = Files.write(directory.resolve("dump-" + (++made) + ".dcm"), file);
            Path out = directory.resolve("dump-" + made + ".txt");
            runTo(List.of("dcmdump", "-q", path.toString()), out);
            return Files.readString(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run(List<String> command) {
        runTo(command, directory.resolve("dcmtk.log"));
    }

    private static void runTo(List<String> command, Path output) {
        if (!Files.isExecutable(Path.of("/usr/bin", command.get(0)))) {
            throw new IllegalStateException(command.get(0) + " is missing: install Debian's dcmtk (ingest-service/requirements-debian.txt, "
                    + "which .ci/run installs)");
        }
        ManagedProcess.runToCompletion(command.get(0), command, output, Duration.ofSeconds(60));
    }
}
