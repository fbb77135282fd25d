package org.cytotriage.synthetic;

import java.util.List;

/**
 * Ground-truth morphology the generator recorded while drawing a case: what a morphometric check
 * or a test can compare between categories without segmenting the image.
 *
 * @param cells all follicular cells drawn
 * @param diagnosticCells cells in the groups the lesion mask marks
 * @param meanDiagnosticNuclearArea mean nuclear area of the diagnostic cells, px² (0 when none)
 * @param grooves nuclei drawn with a groove
 * @param inclusions nuclei drawn with a pseudo-inclusion
 * @param atypia the case's coarse nuclear atypia strength, 0 (benign) to 1 (papillary carcinoma)
 * @param fineAtypia the case's fine nuclear atypia strength (grooves, inclusions), 0 to 1
 */
public record CaseStatistics(int cells, int diagnosticCells, double meanDiagnosticNuclearArea, int grooves,
        int inclusions, double atypia, double fineAtypia) {

    static CaseStatistics of(List<Cell> cells, double atypia, double fineAtypia) {
        int diagnostic = 0;
        double area = 0;
        int grooves = 0;
        int inclusions = 0;
        for (Cell cell : cells) {
            Nucleus n = cell.nucleus();
            if (cell.diagnostic()) {
                diagnostic++;
                area += n.area();
            }
            grooves += n.grooved() ? 1 : 0;
            inclusions += n.hasInclusion() ? 1 : 0;
        }
        return new CaseStatistics(cells.size(), diagnostic, diagnostic == 0 ? 0 : area / diagnostic, grooves,
                inclusions, atypia, fineAtypia);
    }
}
