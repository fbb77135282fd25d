package org.cytotriage.synthetic;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Optional;

/**
 * The pixels covered by the cells that carry a case's diagnosis (see the module README for what
 * that means per Bethesda category). Used to check that Grad-CAM heat falls on the evidence and
 * that a tile holds evidence at all.
 */
public final class LesionMask {

    private final int width;
    private final int height;
    private final boolean[] marked;

    LesionMask(int width, int height) {
        this.width = width;
        this.height = height;
        this.marked = new boolean[width * height];
    }

    void mark(int x, int y) {
        marked[y * width + x] = true;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public boolean contains(int x, int y) {
        return x >= 0 && y >= 0 && x < width && y < height && marked[y * width + x];
    }

    /** Number of marked pixels. */
    public int area() {
        int area = 0;
        for (boolean m : marked) {
            if (m) {
                area++;
            }
        }
        return area;
    }

    public boolean isEmpty() {
        for (boolean m : marked) {
            if (m) {
                return false;
            }
        }
        return true;
    }

    /** The smallest rectangle holding every marked pixel; empty for an empty mask. */
    public Optional<Rectangle> bounds() {
        int minX = width;
        int minY = height;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (marked[y * width + x]) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        return maxX < 0 ? Optional.empty() : Optional.of(new Rectangle(minX, minY, maxX - minX + 1, maxY - minY + 1));
    }

    /** Fraction of the region's pixels (clipped to the image) that are marked, 0 for an empty region. */
    public double coverage(Rectangle region) {
        Rectangle clipped = region.intersection(new Rectangle(0, 0, width, height));
        if (clipped.isEmpty()) {
            return 0;
        }
        int count = 0;
        for (int y = clipped.y; y < clipped.y + clipped.height; y++) {
            for (int x = clipped.x; x < clipped.x + clipped.width; x++) {
                if (marked[y * width + x]) {
                    count++;
                }
            }
        }
        return count / (double) (clipped.width * clipped.height);
    }

    /**
     * The share of a grid's total heat that lies on the mask: the grid (row by row, non-negative, e.g.
     * a Grad-CAM heatmap) stretched over the whole image, each cell weighted by the mask's cover of it.
     * What a map without information scores is the mask's share of the image.
     */
    public double shareOf(float[] grid, int rows, int cols) {
        double inside = 0;
        double total = 0;
        for (int i = 0; i < grid.length; i++) {
            int row = i / cols;
            int col = i % cols;
            int x0 = col * width / cols;
            int y0 = row * height / rows;
            Rectangle cell = new Rectangle(x0, y0, (col + 1) * width / cols - x0, (row + 1) * height / rows - y0);
            total += grid[i];
            inside += grid[i] * coverage(cell);
        }
        return total == 0 ? 0 : inside / total;
    }

    /** A 1-bit image, white where marked: the form written beside each dataset image. */
    public BufferedImage toImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY);
        byte[] packed = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        int bytesPerRow = (width + 7) / 8;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (marked[y * width + x]) {
                    packed[y * bytesPerRow + x / 8] |= (byte) (0x80 >>> (x % 8));
                }
            }
        }
        return image;
    }
}
