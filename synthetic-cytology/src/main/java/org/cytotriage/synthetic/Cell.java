package org.cytotriage.synthetic;

/**
 * A follicular cell: its nucleus and the pale cytoplasm around it.
 *
 * @param cytoplasmRadius radius of the cytoplasm disc centred on the nucleus; in sheets the discs
 *        of neighbours overlap, and the overlaps read as the cell borders of a honeycomb
 * @param diagnostic whether the cell belongs to a group that carries the case's diagnosis, and
 *        so is marked in the lesion mask
 */
record Cell(Nucleus nucleus, double cytoplasmRadius, boolean diagnostic) {
}
