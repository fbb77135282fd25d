package org.cytotriage.synthetic.cli;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.synthetic.ImageEncoding;
import org.cytotriage.synthetic.LesionMask;
import org.cytotriage.synthetic.Site;
import org.cytotriage.synthetic.SyntheticCase;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Renders the sample pictures in docs/images/synthetic: an overview of the six Bethesda categories
 * (3x2 grid at quarter size, I II III on top, IV V VI below), single cases at half size
 * (512x384), the site-B view and the mask of the malignant case, and one full-resolution
 * 256x256 crop where grooves and pseudo-inclusions can be seen. Seeds were picked by eye to show
 * each category's typical picture; the set is kept small so the pictures stay under 2 MB.
 */
@Command(name = "render-gallery", mixinStandardHelpOptions = true, version = SyntheticCytologyGenerator.VERSION,
        description = "Renders the synthetic cytology sample pictures used in the documentation.")
public final class RenderGalleryCommand implements Callable<Integer> {

    private static final int TILE = 256;
    private static final long OVERVIEW_SEED = 7;
    private static final long MALIGNANT_SEED = 1;

    private record Sample(String name, BethesdaCategory category, long seed) {
    }

    private static final Sample[] HALF_SIZE_SAMPLES = {
        new Sample("benign-II", BethesdaCategory.II, 12),
        new Sample("indeterminate-V-suspicious", BethesdaCategory.V, 6),
        new Sample("malignant-VI", BethesdaCategory.VI, MALIGNANT_SEED),
    };

    @Option(names = "--out", defaultValue = "docs/images/synthetic",
            description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Files.createDirectories(out);
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        write("overview-categories", overview(generator));
        for (Sample sample : HALF_SIZE_SAMPLES) {
            write(sample.name(), shrink(generator.generate(sample.seed(), sample.category()).image(), 2));
        }
        SyntheticCase malignant = generator.generate(MALIGNANT_SEED, BethesdaCategory.VI);
        SyntheticCase malignantAtSiteB = generator.generate(MALIGNANT_SEED, BethesdaCategory.VI, Site.SITE_B);
        write("malignant-VI-site-B", shrink(malignantAtSiteB.image(), 2));
        write("malignant-VI-mask", shrink(malignant.mask().toImage(), 2));
        Rectangle crop = densestTile(malignant.mask());
        write("malignant-VI-crop-256", malignant.image().getSubimage(crop.x, crop.y, crop.width, crop.height));
        System.out.println("wrote samples to " + out);
        return 0;
    }

    private void write(String name, BufferedImage image) throws IOException {
        Files.write(out.resolve(name + ".png"), ImageEncoding.png(image));
    }

    /** Categories I to VI, same seed, in a 3x2 grid of quarter-size images. */
    private static BufferedImage overview(SyntheticCytologyGenerator generator) {
        int width = SyntheticCytologyGenerator.WIDTH / 4;
        int height = SyntheticCytologyGenerator.HEIGHT / 4;
        BufferedImage grid = new BufferedImage(3 * width, 2 * height, BufferedImage.TYPE_INT_RGB);
        BethesdaCategory[] categories = BethesdaCategory.values();
        for (int i = 0; i < categories.length; i++) {
            BufferedImage small = shrink(generator.generate(OVERVIEW_SEED, categories[i]).image(), 4);
            grid.setRGB((i % 3) * width, (i / 3) * height, width, height,
                    small.getRGB(0, 0, width, height, null, 0, width), 0, width);
        }
        return grid;
    }

    /** Shrinks by an integer factor, averaging each factor x factor block: sharp and repeatable. */
    private static BufferedImage shrink(BufferedImage image, int factor) {
        int width = image.getWidth() / factor;
        int height = image.getHeight() / factor;
        BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int blockSize = factor * factor;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int red = 0;
                int green = 0;
                int blue = 0;
                for (int dy = 0; dy < factor; dy++) {
                    for (int dx = 0; dx < factor; dx++) {
                        int pixel = image.getRGB(factor * x + dx, factor * y + dy);
                        red += (pixel >> 16) & 0xff;
                        green += (pixel >> 8) & 0xff;
                        blue += pixel & 0xff;
                    }
                }
                int half = blockSize / 2;
                small.setRGB(x, y, (red + half) / blockSize << 16 | (green + half) / blockSize << 8
                        | (blue + half) / blockSize);
            }
        }
        return small;
    }

    /** The 256x256 window (on a 32-px grid) that holds the most diagnostic cells. */
    private static Rectangle densestTile(LesionMask mask) {
        Rectangle best = new Rectangle(0, 0, TILE, TILE);
        double bestCoverage = -1;
        for (int y = 0; y + TILE <= mask.height(); y += 32) {
            for (int x = 0; x + TILE <= mask.width(); x += 32) {
                Rectangle window = new Rectangle(x, y, TILE, TILE);
                double coverage = mask.coverage(window);
                if (coverage > bestCoverage) {
                    bestCoverage = coverage;
                    best = window;
                }
            }
        }
        return best;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new RenderGalleryCommand()).execute(args));
    }
}
