package org.cytotriage.audit.casefile;

/**
 * An image or a prediction of it was recorded, fired synchronously in the transaction that recorded
 * it, for whatever must go out with the case's result: the laboratory system's result message
 * (interop.hl7) is written in that same transaction, so it exists exactly when the result does.
 */
public record CaseFileChanged(String caseId, String hospitalId, String imageId) {
}
