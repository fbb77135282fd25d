package org.cytotriage.model.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

import org.cytotriage.poison.PoisonImages;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    @Test
    void anEightBitRgbImageIsDecoded() throws IOException {
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB), "jpeg", jpeg);

        BufferedImage image = ImageDecoder.decode(jpeg.toByteArray());

        assertThat(image.getWidth()).isEqualTo(320);
        assertThat(image.getHeight()).isEqualTo(240);
    }

    @Test
    void anImageDeclaringMorePixelsThanTheBudgetIsRefusedFromItsHeaderAlone() {
        byte[] bomb = PoisonImages.declaring(10_000, 10_000);

        assertThatThrownBy(() -> ImageDecoder.decode(bomb)).isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("declares 10000x10000 pixels; at most " + ImageDecoder.MAX_PIXELS);
    }

    @Test
    void aSixteenBitImageIsRefused() {
        assertThatThrownBy(() -> ImageDecoder.decode(PoisonImages.sixteenBitPng())).isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("16 bits per sample");
    }

    @Test
    void aCmykJpegIsRefused() {
        assertThatThrownBy(() -> ImageDecoder.decode(PoisonImages.cmykJpeg())).isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("CMYK colour space with 4 components");
    }

    @Test
    void bytesNoDecoderRecognisesAreRefused() {
        assertThatThrownBy(() -> ImageDecoder.decode("not an image".getBytes())).isInstanceOf(UndecodableImageException.class)
                .hasMessageContaining("no decoder recognises these 12 bytes");
    }
}
