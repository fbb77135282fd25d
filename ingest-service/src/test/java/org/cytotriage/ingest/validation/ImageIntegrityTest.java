package org.cytotriage.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.cytotriage.ingest.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageIntegrityTest {

    @TempDir
    Path dir;

    @Test
    void wholeImagesPass() throws IOException {
        assertThat(ImageIntegrity.problem(ImageFormat.PNG, file(TestImages.encoded("png", 1)))).isNull();
        assertThat(ImageIntegrity.problem(ImageFormat.JPEG, file(TestImages.encoded("jpg", 1)))).isNull();
    }

    @Test
    void aTruncatedPngOrJpegIsDamaged() throws IOException {
        byte[] png = TestImages.encoded("png", 2);
        byte[] jpeg = TestImages.encoded("jpg", 2);
        assertThat(ImageIntegrity.problem(ImageFormat.PNG, file(Arrays.copyOf(png, png.length - 20)))).contains("truncated");
        assertThat(ImageIntegrity.problem(ImageFormat.JPEG, file(Arrays.copyOf(jpeg, jpeg.length - 100)))).contains("end-of-image");
    }

    @Test
    void aFlippedBitInsideAPngChunkBreaksItsCrc() throws IOException {
        byte[] png = TestImages.encoded("png", 3);
        png[png.length / 2] ^= 0x10;
        assertThat(ImageIntegrity.problem(ImageFormat.PNG, file(png))).contains("CRC");
    }

    @Test
    void aPngChunkLargerThanTheReadBufferIsCheckedWholeAndADamagedByteDeepInsideItIsFound() throws IOException {
        byte[] png = TestImages.largePng(3_000_000);
        assertThat(ImageIntegrity.problem(ImageFormat.PNG, file(png))).isNull();

        png[2_000_000] ^= 0x01;
        assertThat(ImageIntegrity.problem(ImageFormat.PNG, file(png))).contains("CRC");
    }

    @Test
    void paddingAfterTheJpegEndMarkerIsAccepted() throws IOException {
        byte[] jpeg = TestImages.encoded("jpg", 4);
        assertThat(ImageIntegrity.problem(ImageFormat.JPEG, file(Arrays.copyOf(jpeg, jpeg.length + 16)))).isNull();
    }

    private Path file(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(dir, "upload", ".bin"), bytes);
    }
}
