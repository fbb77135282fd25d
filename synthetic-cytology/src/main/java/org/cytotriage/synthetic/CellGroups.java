package org.cytotriage.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Places a case's cell groups in the field and turns each layout slot into a cell: which groups
 * are atypical, how each is arranged (sheet, macrofollicle, microfollicles, papilla), which
 * nuclei in it are atypical, and which cells the lesion mask marks.
 */
final class CellGroups {

    /** A follicle lumen, filled with colloid: thin in a macrofollicle, a dense droplet in a microfollicle. */
    record Lumen(double x, double y, double radius, float thickness) {
    }

    /** Everything cellular in one field. */
    record Population(List<Cell> cells, List<Lumen> lumens) {
    }

    private static final double BASE_GROUP_RADIUS = 80;
    private static final double BASE_PAPILLA_LENGTH = 230;
    private static final int EDGE_MARGIN = 40;

    private final SplittableRandom rng;
    private final Morphology morphology;
    private final NuclearFeatures benign;
    private final NuclearFeatures atypical;
    private final List<Cell> cells = new ArrayList<>();
    private final List<Lumen> lumens = new ArrayList<>();
    private final List<double[]> centres = new ArrayList<>();

    private CellGroups(SplittableRandom rng, Morphology morphology) {
        this.rng = rng;
        this.morphology = morphology;
        this.benign = NuclearFeatures.of(morphology.benignAtypia(), morphology.benignAtypia());
        this.atypical = NuclearFeatures.of(morphology.atypia(), morphology.fineAtypia());
    }

    static Population populate(Morphology morphology, SplittableRandom rng, int width, int height) {
        CellGroups groups = new CellGroups(rng, morphology);
        for (int g = 0; g < morphology.groupCount(); g++) {
            groups.addGroup(g < morphology.atypicalGroups(), width, height);
        }
        groups.addScatteredCells(width, height);
        return new Population(List.copyOf(groups.cells), List.copyOf(groups.lumens));
    }

    private void addGroup(boolean isAtypical, int width, int height) {
        double scale = isAtypical ? morphology.atypicalGroupSize() : morphology.groupSize();
        double[] centre = freeCentre(width, height, BASE_GROUP_RADIUS * 1.6 * scale + 30);
        boolean diagnostic = isAtypical || morphology.marksBenignGroups();
        if (!isAtypical) {
            if (Draws.chance(rng, morphology.macrofollicleShare())) {
                addFollicle(centre[0], centre[1], Draws.between(rng, 18, 34), benign.radius() * 2.4, 2, 0, diagnostic);
            } else {
                addSheet(centre, scale, benign.spacing(), 0.12, 0, diagnostic);
            }
            return;
        }
        double share = morphology.atypicalNucleusShare();
        double pick = rng.nextDouble();
        if (pick < morphology.papillaryShare()) {
            addPapilla(centre, scale, share);
        } else if (pick < morphology.papillaryShare() + morphology.microfollicleShare()) {
            addMicrofollicles(centre, scale, share);
        } else {
            double spacing = benign.spacing() + share * (atypical.spacing() - benign.spacing());
            addSheet(centre, scale, spacing, 0.12 + 0.2 * morphology.atypia(), share, true);
        }
    }

    private void addSheet(double[] centre, double scale, double spacing, double jitter, double atypicalShare,
            boolean diagnostic) {
        double radius = BASE_GROUP_RADIUS * scale * Draws.uniform(rng, 0.7, 1.5);
        for (ClusterLayout.Slot slot : ClusterLayout.sheet(rng, centre[0], centre[1], radius, spacing, jitter)) {
            addCell(slot, atypicalShare, spacing * 0.62, diagnostic);
        }
    }

    private void addPapilla(double[] centre, double scale, double atypicalShare) {
        double spacing = atypical.spacing();
        double length = BASE_PAPILLA_LENGTH * scale * Draws.uniform(rng, 0.7, 1.3);
        double heading = Draws.uniform(rng, 0, 2 * Math.PI);
        // Start half a finger behind the centre, so the papilla is centred on its place.
        double x = centre[0] - 0.5 * length * StrictMath.cos(heading);
        double y = centre[1] - 0.5 * length * StrictMath.sin(heading);
        List<ClusterLayout.Slot> slots = ClusterLayout.papilla(rng, x, y, heading, length,
                spacing * Draws.uniform(rng, 3, 5), spacing, Draws.between(rng, 0, 2));
        for (ClusterLayout.Slot slot : slots) {
            addCell(slot, atypicalShare, spacing * 0.7, true);
        }
    }

    private void addMicrofollicles(double[] centre, double scale, double atypicalShare) {
        int follicles = Math.max(2, (int) StrictMath.round(Draws.between(rng, 4, 10) * scale));
        double spread = 45 * scale + 10;
        // Crowded: neighbouring nuclei in the ring almost touch.
        double spacing = atypical.radius() * 1.9;
        for (int f = 0; f < follicles; f++) {
            double x = centre[0] + Draws.gaussian(rng, 0, spread);
            double y = centre[1] + Draws.gaussian(rng, 0, spread);
            addFollicle(x, y, Draws.between(rng, 6, 12), spacing, 1, atypicalShare, true);
        }
    }

    private void addFollicle(double x, double y, int nuclei, double spacing, int rows, double atypicalShare,
            boolean diagnostic) {
        for (ClusterLayout.Slot slot : ClusterLayout.follicle(rng, x, y, nuclei, spacing, rows)) {
            addCell(slot, atypicalShare, spacing * 0.75, diagnostic);
        }
        double nuclearRadius = atypicalShare > 0 ? atypical.radius() : benign.radius();
        float thickness = rows > 1 ? 0.45f : 0.9f;
        lumens.add(new Lumen(x, y, ClusterLayout.lumenRadius(nuclei, spacing, nuclearRadius), thickness));
    }

    /** Isolated cells and bare nuclei between the groups: benign-looking, never marked. */
    private void addScatteredCells(int width, int height) {
        for (int i = 0; i < morphology.scatteredCells(); i++) {
            ClusterLayout.Slot slot = new ClusterLayout.Slot(Draws.uniform(rng, 0, width),
                    Draws.uniform(rng, 0, height), Double.NaN);
            double cytoplasm = Draws.chance(rng, 0.5) ? benign.radius() * 1.8 : 0;
            addCell(slot, 0, cytoplasm, false);
        }
    }

    private void addCell(ClusterLayout.Slot slot, double atypicalShare, double cytoplasmRadius, boolean diagnostic) {
        NuclearFeatures features = Draws.chance(rng, atypicalShare) ? atypical : benign;
        cells.add(new Cell(features.draw(rng, slot.x(), slot.y(), slot.axis()), cytoplasmRadius, diagnostic));
    }

    /** A group centre away from earlier ones where possible; groups may run off the edge, as in a photo. */
    private double[] freeCentre(int width, int height, double minDistance) {
        double[] candidate = null;
        for (int attempt = 0; attempt < 30; attempt++) {
            candidate = new double[] {Draws.uniform(rng, EDGE_MARGIN, width - EDGE_MARGIN),
                    Draws.uniform(rng, EDGE_MARGIN, height - EDGE_MARGIN)};
            if (isFree(candidate, minDistance)) {
                break;
            }
        }
        centres.add(candidate);
        return candidate;
    }

    private boolean isFree(double[] candidate, double minDistance) {
        for (double[] other : centres) {
            double dx = other[0] - candidate[0];
            double dy = other[1] - candidate[1];
            if (dx * dx + dy * dy < minDistance * minDistance) {
                return false;
            }
        }
        return true;
    }
}
