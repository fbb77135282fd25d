package org.cytotriage.inference.preprocess;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

import org.cytotriage.inference.model.ModelCard;

/**
 * Turns image bytes into the model's input tensor exactly as its card says: decode to RGB, stretch
 * to width x height with plain bilinear interpolation (half-pixel centres, no antialiasing: the same
 * as PyTorch's {@code interpolate(mode='bilinear', align_corners=False)}, which training uses), scale
 * to 0..1, then (x - mean) / std, channels first.
 */
public final class ImagePreprocessor {

    private ImagePreprocessor() {
    }

    public static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new UndecodableImageException("the image cannot be decoded: no decoder recognises these " + bytes.length + " bytes");
            }
            return image;
        } catch (IOException | RuntimeException e) {
            if (e instanceof UndecodableImageException undecodable) {
                throw undecodable;
            }
            throw new UndecodableImageException("the image cannot be decoded: " + e.getMessage());
        }
    }

    /** The input tensor of one image, CHW, for the card's preprocessing. */
    public static float[] toTensor(BufferedImage image, ModelCard.Preprocessing spec) {
        int outW = spec.width();
        int outH = spec.height();
        int inW = image.getWidth();
        int inH = image.getHeight();
        int[] rgb = image.getRGB(0, 0, inW, inH, null, 0, inW);
        float[] tensor = new float[3 * outH * outW];
        int plane = outH * outW;
        double scaleX = (double) inW / outW;
        double scaleY = (double) inH / outH;
        for (int y = 0; y < outH; y++) {
            double sy = Math.max((y + 0.5) * scaleY - 0.5, 0);
            int y0 = Math.min((int) sy, inH - 1);
            int y1 = Math.min(y0 + 1, inH - 1);
            double wy = sy - y0;
            for (int x = 0; x < outW; x++) {
                double sx = Math.max((x + 0.5) * scaleX - 0.5, 0);
                int x0 = Math.min((int) sx, inW - 1);
                int x1 = Math.min(x0 + 1, inW - 1);
                double wx = sx - x0;
                int p00 = rgb[y0 * inW + x0];
                int p01 = rgb[y0 * inW + x1];
                int p10 = rgb[y1 * inW + x0];
                int p11 = rgb[y1 * inW + x1];
                int offset = y * outW + x;
                for (int c = 0; c < 3; c++) {
                    int shift = 16 - 8 * c;
                    double top = ((p00 >> shift) & 0xFF) * (1 - wx) + ((p01 >> shift) & 0xFF) * wx;
                    double bottom = ((p10 >> shift) & 0xFF) * (1 - wx) + ((p11 >> shift) & 0xFF) * wx;
                    double value = (top * (1 - wy) + bottom * wy) / 255.0;
                    tensor[c * plane + offset] = (float) ((value - spec.mean()[c]) / spec.std()[c]);
                }
            }
        }
        return tensor;
    }
}
