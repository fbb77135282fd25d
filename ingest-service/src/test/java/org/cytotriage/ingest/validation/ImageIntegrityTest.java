package org.cytotriage.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.cytotriage.ingest.TestImages;
import org.junit.jupiter.api.Test;

class ImageIntegrityTest {

    @Test
    void wholeImagesPass() {
        assertThat(ImageIntegrity.problem(ImageFormat.PNG, TestImages.encoded("png", 1))).isNull();
        assertThat(ImageIntegrity.problem(ImageFormat.JPEG, TestImages.encoded("jpg", 1))).isNull();
    }

    @Test
    void aTruncatedPngOrJpegIsDamaged() {
        byte[] png = TestImages.encoded("png", 2);
        byte[] jpeg = TestImages.encoded("jpg", 2);
        assertThat(ImageIntegrity.problem(ImageFormat.PNG, Arrays.copyOf(png, png.length - 20))).contains("truncated");
        assertThat(ImageIntegrity.problem(ImageFormat.JPEG, Arrays.copyOf(jpeg, jpeg.length - 100))).contains("end-of-image");
    }

    @Test
    void aFlippedBitInsideAPngChunkBreaksItsCrc() {
        byte[] png = TestImages.encoded("png", 3);
        png[png.length / 2] ^= 0x10;
        assertThat(ImageIntegrity.problem(ImageFormat.PNG, png)).contains("CRC");
    }

    @Test
    void paddingAfterTheJpegEndMarkerIsAccepted() {
        byte[] jpeg = TestImages.encoded("jpg", 4);
        assertThat(ImageIntegrity.problem(ImageFormat.JPEG, Arrays.copyOf(jpeg, jpeg.length + 16))).isNull();
    }
}
