package org.cytotriage.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.cytotriage.events.FieldLimits;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.ingest.TestImages;
import org.junit.jupiter.api.Test;

class ImageFormatTest {

    /** The media type an event carries is one ingest detected, never the sender's: each fits the schema's bound. */
    @Test
    void everyDetectedMediaTypeFitsTheBoundTheEventSchemaSets() {
        int limit = FieldLimits.maxLength(ImageRef.getClassSchema(), "mediaType").orElseThrow();
        assertThat(ImageFormat.values()).allSatisfy(format -> assertThat(format.mediaType()).hasSizeLessThanOrEqualTo(limit));
    }

    @Test
    void theFormatComesFromTheLeadingBytesAndNeedsNoMoreThanMagicBytesOfThem() {
        byte[] png = TestImages.encoded("png", 1);
        byte[] jpeg = TestImages.encoded("jpg", 1);
        assertThat(ImageFormat.detect(Arrays.copyOf(png, ImageFormat.MAGIC_BYTES))).contains(ImageFormat.PNG);
        assertThat(ImageFormat.detect(Arrays.copyOf(jpeg, ImageFormat.MAGIC_BYTES))).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.detect(new byte[] {'G', 'I', 'F'})).isEmpty();
    }
}
