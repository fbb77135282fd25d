package org.cytotriage.audit.casefile;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.audit.deadletter.DeadLetterRecord;
import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.HospitalScope;
import org.cytotriage.support.identity.Roles;
import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

@Path("/api/v1/images/{imageId}/status")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.SCANNER, Roles.CYTOPATHOLOGIST, Roles.ADMIN})
public class ImageStatusResource {

    private final Caller caller;

    ImageStatusResource(Caller caller) {
        this.caller = caller;
    }

    @GET
    @Operation(summary = "What became of an upload: accepted, predicted, explained, or not processed with the reason")
    @APIResponse(responseCode = "404", description = "Nothing about this image is on record (yet): problem+json")
    public ImageStatus status(@PathParam("imageId") String imageId) {
        // A scanner and a cytopathologist see their hospitals' images; operations every hospital's.
        // Another hospital's image is answered as one that does not exist.
        HospitalScope scope = caller.scope(null, Roles.ADMIN);
        ImageStatus status = find(imageId);
        if (status == null || !scope.includes(status.hospitalId())) {
            throw new ProblemException(Response.Status.NOT_FOUND.getStatusCode(), "unknown-image", "Unknown image",
                    "nothing about image '" + imageId + "' is on record yet; an upload answered 202 is recorded within seconds");
        }
        return status;
    }

    private static ImageStatus find(String imageId) {
        ExplanationRecord explanation = ExplanationRecord.find("imageId = ?1 order by explainedAt desc", imageId).firstResult();
        DeadLetterRecord letter = DeadLetterRecord.openFor(imageId);
        if (explanation != null && (letter == null || letter.isAnsweredBy(explanation.recordedAt))) {
            return new ImageStatus(imageId, explanation.caseId, explanation.hospitalId, ImageStatus.State.EXPLAINED, explanation.explainedAt, null, null, null);
        }
        if (letter != null) {
            return new ImageStatus(imageId, letter.caseId, letter.hospitalId, ImageStatus.State.NOT_PROCESSED, letter.occurredAt, letter.service,
                    letter.reason, letter.eventId);
        }
        PredictionRecord prediction = PredictionRecord.find("imageId = ?1 order by predictedAt desc", imageId).firstResult();
        if (prediction != null && Boolean.FALSE.equals(prediction.assessable)) {
            return new ImageStatus(imageId, prediction.caseId, prediction.hospitalId, ImageStatus.State.NOT_ASSESSABLE,
                    prediction.predictedAt, "inference-service", prediction.assessmentReasons, null);
        }
        if (prediction != null) {
            return new ImageStatus(imageId, prediction.caseId, prediction.hospitalId, ImageStatus.State.PREDICTED, prediction.predictedAt, null, null, null);
        }
        ImageRecord image = ImageRecord.findById(imageId);
        if (image != null) {
            return new ImageStatus(imageId, image.caseId, image.hospitalId, ImageStatus.State.ACCEPTED, image.receivedAt, null, null, null);
        }
        return null;
    }
}
