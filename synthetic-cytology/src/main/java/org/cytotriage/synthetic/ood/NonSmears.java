package org.cytotriage.synthetic.ood;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;

import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.synthetic.Site;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

/**
 * Images that are not smears a model was trained to read, for testing and measuring the
 * assessability gate: blank frames, noise, heavy blur, another stain's colours, a slide field
 * without cells, text pages and drawings. Deterministic in (kind, seed). SYNTHETIC, NOT FOR CLINICAL USE.
 */
public final class NonSmears {

    public static final int WIDTH = SyntheticCytologyGenerator.WIDTH;
    public static final int HEIGHT = SyntheticCytologyGenerator.HEIGHT;

    /** What is drawn; {@link #isSmear()} only for the in-distribution controls. */
    public enum Kind {
        BLACK, WHITE, GREY, TRANSPARENT, GRADIENT, NOISE, HEAVY_BLUR, OTHER_STAIN, NO_CELLS, TEXT_PAGE, DRAWING,
        SMEAR_SITE_A, SMEAR_SITE_B;

        public boolean isSmear() {
            return this == SMEAR_SITE_A || this == SMEAR_SITE_B;
        }
    }

    private static final List<BethesdaCategory> CATEGORIES = List.of(BethesdaCategory.values());
    private final SyntheticCytologyGenerator smears = new SyntheticCytologyGenerator();

    public BufferedImage draw(Kind kind, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 31 + kind.ordinal());
        return switch (kind) {
            case BLACK -> filled(Color.BLACK);
            case WHITE -> filled(Color.WHITE);
            case GREY -> filled(new Color(110 + random.nextInt(60), 110 + random.nextInt(60), 110 + random.nextInt(60)));
            case TRANSPARENT -> transparent();
            case GRADIENT -> gradient(random);
            case NOISE -> noise(random);
            case HEAVY_BLUR -> blurred(smear(seed, random, Site.SITE_A), 12, 3);
            case OTHER_STAIN -> otherStain(smear(seed, random, Site.SITE_A));
            case NO_CELLS -> smears.emptyField(seed, Site.SITE_A);
            case TEXT_PAGE -> textPage(random);
            case DRAWING -> drawing(random);
            case SMEAR_SITE_A -> smear(seed, random, Site.SITE_A);
            case SMEAR_SITE_B -> smear(seed, random, Site.SITE_B);
        };
    }

    private BufferedImage smear(long seed, SplittableRandom random, Site site) {
        return smears.generate(seed, CATEGORIES.get(random.nextInt(CATEGORIES.size())), site).image();
    }

    private static BufferedImage filled(Color colour) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.dispose();
        return image;
    }

    /** A PNG-able image whose every pixel is fully transparent (its colour values black). */
    private static BufferedImage transparent() {
        return new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_ARGB);
    }

    private static BufferedImage gradient(SplittableRandom random) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        int[] from = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
        int[] to = {random.nextInt(256), random.nextInt(256), random.nextInt(256)};
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                double t = (x + y) / (double) (WIDTH + HEIGHT);
                int r = (int) (from[0] + t * (to[0] - from[0]));
                int g = (int) (from[1] + t * (to[1] - from[1]));
                int b = (int) (from[2] + t * (to[2] - from[2]));
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    private static BufferedImage noise(SplittableRandom random) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    /** Box blur of the given radius, repeated (three passes approach a Gaussian). */
    static BufferedImage blurred(BufferedImage source, int radius, int passes) {
        int[] rgb = source.getRGB(0, 0, WIDTH, HEIGHT, null, 0, WIDTH);
        for (int pass = 0; pass < passes; pass++) {
            rgb = boxBlur(rgb, WIDTH, HEIGHT, radius, true);
            rgb = boxBlur(rgb, WIDTH, HEIGHT, radius, false);
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, WIDTH, HEIGHT, rgb, 0, WIDTH);
        return image;
    }

    private static int[] boxBlur(int[] rgb, int w, int h, int radius, boolean horizontal) {
        int[] out = new int[rgb.length];
        int lines = horizontal ? h : w;
        int length = horizontal ? w : h;
        for (int line = 0; line < lines; line++) {
            for (int i = 0; i < length; i++) {
                int r = 0;
                int g = 0;
                int b = 0;
                int n = 0;
                for (int k = Math.max(0, i - radius); k <= Math.min(length - 1, i + radius); k++) {
                    int p = rgb[horizontal ? line * w + k : k * w + line];
                    r += (p >> 16) & 0xFF;
                    g += (p >> 8) & 0xFF;
                    b += p & 0xFF;
                    n++;
                }
                out[horizontal ? line * w + i : i * w + line] = ((r / n) << 16) | ((g / n) << 8) | (b / n);
            }
        }
        return out;
    }

    /** The smear's colours rotated (red to green, green to blue, blue to red): a stain no site uses. */
    private static BufferedImage otherStain(BufferedImage smear) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int p = smear.getRGB(x, y);
                int r = (p >> 16) & 0xFF;
                int g = (p >> 8) & 0xFF;
                int b = p & 0xFF;
                image.setRGB(x, y, (b << 16) | (r << 8) | g);
            }
        }
        return image;
    }

    private static BufferedImage textPage(SplittableRandom random) {
        BufferedImage image = filled(Color.WHITE);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SERIF, Font.PLAIN, 18 + random.nextInt(8)));
        String[] words = {"specimen", "thyroid", "report", "the", "of", "fine", "needle", "aspiration", "patient", "and",
                "received", "slides", "laboratory", "with", "Bethesda", "category", "nodule", "left", "right", "lobe"};
        for (int y = 60; y < HEIGHT - 40; y += 30) {
            StringBuilder line = new StringBuilder();
            while (line.length() < 80) {
                line.append(words[random.nextInt(words.length)]).append(' ');
            }
            g.drawString(line.toString(), 50, y);
        }
        g.dispose();
        return image;
    }

    private static BufferedImage drawing(SplittableRandom random) {
        BufferedImage image = filled(Color.WHITE);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        for (int i = 0; i < 25; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            g.setStroke(new BasicStroke(2 + random.nextInt(8)));
            int x = random.nextInt(WIDTH);
            int y = random.nextInt(HEIGHT);
            int w = 20 + random.nextInt(300);
            int h = 20 + random.nextInt(300);
            switch (random.nextInt(4)) {
                case 0 -> g.drawOval(x, y, w, h);
                case 1 -> g.fillRect(x, y, w, h);
                case 2 -> g.drawLine(x, y, x + w, y + h);
                default -> g.fillOval(x, y, w / 2, h / 2);
            }
        }
        g.dispose();
        return image;
    }
}
