package org.cytotriage.ingest.dicom;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How DICOM instances sent to ingest (STOW-RS) are taken. */
@ConfigMapping(prefix = "cytotriage.ingest.dicom")
public interface DicomConfig {

    /**
     * The attribute naming the case an instance belongs to, as eight hex digits (group and element):
     * the Accession Number by default, as the laboratory's order is what a case is; a site whose
     * PACS carries the case elsewhere (a Study ID, 00200010, say) names that one.
     */
    @WithDefault("00080050")
    String caseAttribute();

    /** {@link #caseAttribute()} as a tag. */
    default int caseTag() {
        String tag = caseAttribute().replaceAll("[(),]", "");
        if (!tag.matches("[0-9A-Fa-f]{8}")) {
            throw new IllegalArgumentException("cytotriage.ingest.dicom.case-attribute must be eight hex digits, as 00080050: " + caseAttribute());
        }
        return (int) Long.parseLong(tag, 16);
    }
}
