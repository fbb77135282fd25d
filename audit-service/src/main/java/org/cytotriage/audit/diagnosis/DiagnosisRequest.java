package org.cytotriage.audit.diagnosis;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A final diagnosis as a cytopathologist sends it. Who made it is the signed-in cytopathologist
 * (the token), never a field of the request.
 */
public record DiagnosisRequest(
        @Schema(description = "Bethesda category: I-VI, 1-6, or with a 'Bethesda ' prefix", examples = "V", required = true)
        String bethesdaCategory,
        @Schema(description = "Free text, kept with this version") String comment) {
}
