package org.cytotriage.poison;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Images that are valid files but that a decoder must not, or cannot, turn into RGB pixels. */
public final class PoisonImages {

    private PoisonImages() {
    }

    /** A 16-bit greyscale PNG: a valid file of another pixel depth than any smear camera's. */
    public static byte[] sixteenBitPng() {
        BufferedImage image = new BufferedImage(256, 192, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < 192; y++) {
            for (int x = 0; x < 256; x++) {
                raster.setSample(x, y, 0, (x * 257 + y * 31) & 0xffff);
            }
        }
        return png(image);
    }

    /** A four-channel (CMYK) JPEG: the JDK decodes it, in a CMYK colour space no smear camera writes. */
    public static byte[] cmykJpeg() {
        WritableRaster raster = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 128, 96, 4, null);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 128; x++) {
                raster.setPixel(x, y, new int[] {x * 2, y * 2, 255 - x, 64});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /**
     * A small PNG whose header declares {@code width} x {@code height} pixels: decoding it in full
     * would take width x height x 3 bytes (a decompression bomb's first step).
     */
    public static byte[] declaring(int width, int height) {
        byte[] png = png(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB));
        ByteBuffer buffer = ByteBuffer.wrap(png);
        // Signature (8), IHDR length (4) and type (4), then width and height; the chunk's CRC follows its 13 data bytes.
        buffer.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 4 + 13);
        buffer.putInt(12 + 4 + 13, (int) crc.getValue());
        return png;
    }

    private static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(image, "png", bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
