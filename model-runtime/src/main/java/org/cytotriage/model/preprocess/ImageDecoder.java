package org.cytotriage.model.preprocess;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;

/** Image bytes to pixels with the JDK's ImageIO (JPEG, PNG, BMP, GIF). */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    /** @throws UndecodableImageException when no decoder recognises the bytes or the data are corrupt */
    public static BufferedImage decode(byte[] bytes) {
        BufferedImage image;
        try {
            // ImageIO.read(InputStream) would cache the stream in a temporary file; the bytes are in
            // memory already. ImageIO.read closes the stream it is given.
            image = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
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
