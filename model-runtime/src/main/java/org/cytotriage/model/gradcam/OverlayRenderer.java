package org.cytotriage.model.gradcam;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ByteLookupTable;
import java.awt.image.DataBufferByte;
import java.awt.image.LookupOp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;


/**
 * The heatmap blended on the original image, with a colour scale, as a PNG for the workstation (at
 * most a given width: the workstation shows it beside the original, which keeps full resolution). The
 * grid is stretched over the whole image (the model saw the image stretched to its canvas) with
 * bilinear interpolation; each pixel takes the colour scale's colour for its value, and an opacity
 * that grows with the value, so cells without evidence leave the smear as it is.
 */
public final class OverlayRenderer {

    /** Opacity of the strongest evidence. */
    static final float MAX_OPACITY = 0.6f;
    private static final int LEGEND_HEIGHT = 44;

    private OverlayRenderer() {
    }

    /**
     * @param caption what the map explains, e.g. "Grad-CAM MALIGNANT, thyroideffi-basic 1.0.0"
     * @param maxWidth the overlay's width at most; a wider image is scaled down, keeping its aspect
     */
    public static byte[] png(BufferedImage original, Heatmap heatmap, String caption, int maxWidth) {
        int width = Math.min(maxWidth, original.getWidth());
        int height = (int) Math.round(original.getHeight() * (double) width / original.getWidth());
        BufferedImage out = new BufferedImage(width, height + LEGEND_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(original, 0, 0, width, height, null);
            g.drawImage(colour(grey(heatmap)), 0, 0, width, height, null);
            legend(g, width, height, caption);
        } finally {
            g.dispose();
        }
        return encode(out);
    }

    /**
     * PNG at the quickest deflate setting that still compresses: encoding is most of an overlay's
     * cost (17 ms at 640 px against 22 at the default setting and 60 at 1024 px, docs/benchmarks.md).
     */
    private static byte[] encode(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.setOutput(output);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the overlay", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The grid as an image, one pixel per cell, value 0..1 as grey 0..255 in every band, alpha included. */
    private static BufferedImage grey(Heatmap heatmap) {
        BufferedImage cells = new BufferedImage(heatmap.cols(), heatmap.rows(), BufferedImage.TYPE_4BYTE_ABGR);
        byte[] abgr = ((DataBufferByte) cells.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < heatmap.values().length; i++) {
            byte level = (byte) Math.round(255 * Math.max(0f, Math.min(1f, heatmap.values()[i])));
            abgr[4 * i] = level;
            abgr[4 * i + 1] = level;
            abgr[4 * i + 2] = level;
            abgr[4 * i + 3] = level;
        }
        return cells;
    }

    /** Grey levels to the colour scale, and to opacity, by one lookup per band (R, G, B, A). */
    private static BufferedImage colour(BufferedImage grey) {
        byte[][] tables = new byte[4][256];
        for (int level = 0; level < 256; level++) {
            Color c = ColourScale.at(level / 255f);
            tables[0][level] = (byte) c.getRed();
            tables[1][level] = (byte) c.getGreen();
            tables[2][level] = (byte) c.getBlue();
            tables[3][level] = (byte) Math.round(255 * MAX_OPACITY * Math.sqrt(level / 255f));
        }
        return new LookupOp(new ByteLookupTable(0, tables), null).filter(grey, null);
    }

    private static void legend(Graphics2D g, int width, int top, String caption) {
        g.setComposite(AlphaComposite.Src);
        g.setColor(Color.WHITE);
        g.fillRect(0, top, width, LEGEND_HEIGHT);
        int barLeft = 12;
        int barWidth = Math.min(256, width / 3);
        for (int x = 0; x < barWidth; x++) {
            g.setColor(ColourScale.at(x / (float) (barWidth - 1)));
            g.fillRect(barLeft + x, top + 8, 1, 14);
        }
        g.setColor(Color.DARK_GRAY);
        g.setStroke(new BasicStroke(1));
        g.drawRect(barLeft, top + 8, barWidth, 14);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("0", barLeft, top + 38);
        g.drawString("strongest evidence", barLeft + barWidth - 110, top + 38);
        g.drawString(caption + "  (NOT FOR CLINICAL USE)", barLeft + barWidth + 16, top + 20);
    }
}
