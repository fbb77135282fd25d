package org.cytotriage.synthetic;

import java.awt.image.BufferedImage;
import java.util.Objects;
import java.util.SplittableRandom;
import org.cytotriage.core.bethesda.BethesdaCategory;

/**
 * Generates synthetic Diff-Quik thyroid FNAB smear photographs (1024x768 RGB, 40x look) whose
 * Bethesda category shows in the cell morphology. SYNTHETIC data, NOT FOR CLINICAL USE.
 *
 * <p>Deterministic: the same (seed, category, site, settings) give the same pixels, whatever the
 * thread or machine. The site never touches the random streams, so one seed at two sites gives
 * the same cells in two stains: a paired view of the distribution shift. Instances are immutable
 * and safe to share between threads.
 */
public final class SyntheticCytologyGenerator {

    /** Cited by model cards and dataset manifests; change it whenever the pixels for a seed change. */
    public static final String VERSION = "synthetic-cytology/1.1";
    public static final int WIDTH = 1024;
    public static final int HEIGHT = 768;

    private final GeneratorSettings settings;

    public SyntheticCytologyGenerator(GeneratorSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public SyntheticCytologyGenerator() {
        this(GeneratorSettings.defaults());
    }

    public SyntheticCase generate(long seed, BethesdaCategory category) {
        return generate(seed, category, Site.SITE_A);
    }

    public SyntheticCase generate(long seed, BethesdaCategory category, Site site) {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(site, "site");
        Field field = field(seed, category, site);
        StainCanvas canvas = field.canvas();
        StainPalette palette = field.palette();
        Morphology morphology = field.morphology();
        SplittableRandom cellRng = field.cellRng();
        int noiseSalt = field.noiseSalt();
        LesionMask mask = new LesionMask(WIDTH, HEIGHT);

        CellGroups.Population population = CellGroups.populate(morphology, cellRng, WIDTH, HEIGHT);
        for (CellGroups.Lumen lumen : population.lumens()) {
            ColloidPainter.paintDroplet(canvas, palette, lumen.x(), lumen.y(), lumen.radius(), lumen.thickness());
        }
        CellPainter painter = new CellPainter(canvas, mask, palette, noiseSalt * 31 + 7);
        for (Cell cell : population.cells()) {
            painter.paintCytoplasm(cell);
        }
        for (Cell cell : population.cells()) {
            painter.paintNucleus(cell);
        }

        BufferedImage image = canvas.develop(palette.illumination(), site.shift().blurPasses(),
                (float) settings.cameraNoise(), noiseSalt);
        return new SyntheticCase(image, mask, category, site, seed,
                CaseStatistics.of(population.cells(), morphology.atypia(), morphology.fineAtypia()));
    }

    /**
     * A slide field without cells: the same stain, background, colloid and blood a case of this seed
     * would have, and no cell group (an image the models must refuse, not a case of any category).
     */
    public BufferedImage emptyField(long seed, Site site) {
        Field field = field(seed, BethesdaCategory.II, site);
        return field.canvas().develop(field.palette().illumination(), site.shift().blurPasses(), (float) settings.cameraNoise(),
                field.noiseSalt());
    }

    private record Field(StainCanvas canvas, StainPalette palette, Morphology morphology, SplittableRandom cellRng, int noiseSalt) {
    }

    /** The stain, morphology and the smear's background, colloid and blood: everything a case paints before its cells. */
    private Field field(long seed, BethesdaCategory category, Site site) {
        Objects.requireNonNull(site, "site");
        // One independent stream per concern, split in a fixed order: adding draws to one concern
        // later does not reshuffle the others.
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom stainRng = root.split();
        SplittableRandom morphologyRng = root.split();
        SplittableRandom backgroundRng = root.split();
        SplittableRandom cellRng = root.split();
        int noiseSalt = root.nextInt();

        StainPalette palette = StainPalette.diffQuik().jittered(stainRng, settings.stainJitter())
                .shiftedBy(site.shift());
        Morphology morphology = Morphology.sample(category, settings, morphologyRng);
        StainCanvas canvas = new StainCanvas(WIDTH, HEIGHT);

        double smearDirection = SmearBackground.paint(canvas, palette, backgroundRng);
        ColloidPainter.paintPools(canvas, palette, backgroundRng, morphology.colloid());
        BloodPainter.paint(canvas, palette, backgroundRng, morphology.blood(), smearDirection);

        return new Field(canvas, palette, morphology, cellRng, noiseSalt);
    }
}
