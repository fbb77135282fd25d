package org.cytotriage.model.preprocess;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Image bytes to pixels with the JDK's ImageIO (JPEG, PNG, BMP, GIF), within bounds: no image larger
 * than {@link #MAX_PIXELS}, only 8-bit RGB or greyscale.
 */
public final class ImageDecoder {

    /**
     * The most pixels an image may declare to be decoded: about 150 MB as 8-bit RGB, which two
     * decoding threads can hold beside a model in the services' memory (deploy/). It equals ingest's
     * bound on accepted images (cytotriage.ingest.limits.max-pixels); it is checked here again because
     * a record on the images topic need not have come through ingest, and a small file can declare
     * a huge image: the size is read from the header before any pixel is decoded.
     */
    public static final long MAX_PIXELS = 50_000_000L;

    private ImageDecoder() {
    }

    /**
     * @throws UndecodableImageException when no decoder recognises the bytes, the data are corrupt,
     *         or the image is too large or of a kind the models never saw
     */
    public static BufferedImage decode(byte[] bytes) {
        // The bytes are in memory already: a memory-cached stream, not ImageIO's temporary file.
        try (ImageInputStream input = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new UndecodableImageException("the image cannot be decoded: no decoder recognises these "
                        + bytes.length + " bytes");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new UndecodableImageException("the image declares " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels; at most " + MAX_PIXELS + " are decoded");
                }
                // The kind is checked before the pixels are decoded where the reader tells it from the header.
                ImageTypeSpecifier raw = reader.getRawImageType(0);
                if (raw != null) {
                    withinKind(raw.getColorModel());
                }
                BufferedImage image = reader.read(0);
                withinKind(image.getColorModel());
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof UndecodableImageException undecodable) {
                throw undecodable;
            }
            throw new UndecodableImageException("the image cannot be decoded: " + e.getMessage());
        }
    }

    /**
     * The models were trained on 8-bit RGB: a deeper image or another colour space (CMYK, which the
     * JDK decodes, but whose conversion to RGB depends on a print profile) would be a guess.
     */
    private static void withinKind(ColorModel colours) {
        int space = colours.getColorSpace().getType();
        if (space != ColorSpace.TYPE_RGB && space != ColorSpace.TYPE_GRAY) {
            throw new UndecodableImageException("the image is in a " + (space == ColorSpace.TYPE_CMYK ? "CMYK" : "non-RGB")
                    + " colour space with " + colours.getNumColorComponents() + " components; RGB or greyscale images are decoded");
        }
        int bits = colours.getComponentSize(0);
        if (bits > 8) {
            throw new UndecodableImageException("the image has " + bits + " bits per sample; 8-bit images are decoded");
        }
    }
}
