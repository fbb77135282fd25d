package org.cytotriage.audit.diagnosis;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A final diagnosis as a cytopathologist or the laboratory system sends it. */
public record DiagnosisRequest(
        @Schema(description = "Bethesda category: I-VI, 1-6, or with a 'Bethesda ' prefix", examples = "V", required = true)
        String bethesdaCategory,
        @Schema(description = "Who made the diagnosis", required = true) String recordedBy,
        @Schema(description = "Free text, kept with this version") String comment) {
}
