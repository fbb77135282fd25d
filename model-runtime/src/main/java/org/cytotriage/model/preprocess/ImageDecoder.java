package org.cytotriage.model.preprocess;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

/** Image bytes to pixels with the JDK's ImageIO (JPEG, PNG, BMP, GIF). */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    /** @throws UndecodableImageException when no decoder recognises the bytes or the data are corrupt */
    public static BufferedImage decode(byte[] bytes) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new UndecodableImageException("the image cannot be decoded: " + e.getMessage());
        }
        if (image == null) {
            throw new UndecodableImageException("the image cannot be decoded: no decoder recognises these "
                    + bytes.length + " bytes");
        }
        return image;
    }
}
