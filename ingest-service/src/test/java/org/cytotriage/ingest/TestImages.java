package org.cytotriage.ingest;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;

import javax.imageio.ImageIO;

/** Real images for upload tests, distinct per seed so each test owns its image ids. */
public final class TestImages {

    private TestImages() {
    }

    public static byte[] encoded(String format, int seed) {
        BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(236, 226, 230));
        g.fillRect(0, 0, 320, 240);
        g.setColor(new Color(90, 60, 150));
        for (int i = 0; i < 12; i++) {
            g.fillOval((seed * 37 + i * 53) % 300, (seed * 11 + i * 29) % 220, 14, 12);
        }
        g.dispose();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A structurally whole PNG of about {@code bytes} bytes (a 4000x3000 header, one IDAT chunk of
     * random data, IEND), as ingest checks it: signature, dimensions from the header, chunk CRCs.
     * Its pixels would not decode; ingest never decodes them. Building one costs no encoder time.
     */
    public static byte[] largePng(int bytes) {
        byte[] ihdr = ByteBuffer.allocate(13).putInt(4000).putInt(3000).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0)
                .put((byte) 0).array();
        byte[] idat = new byte[Math.max(1, bytes - 8 - 3 * 12 - ihdr.length)];
        new Random(bytes).nextBytes(idat);
        ByteBuffer png = ByteBuffer.allocate(8 + 3 * 12 + ihdr.length + idat.length);
        png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(png, "IHDR", ihdr);
        chunk(png, "IDAT", idat);
        chunk(png, "IEND", new byte[0]);
        return png.array();
    }

    private static void chunk(ByteBuffer png, String type, byte[] data) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        png.putInt(data.length).put(name).put(data).putInt((int) crc.getValue());
    }
}
