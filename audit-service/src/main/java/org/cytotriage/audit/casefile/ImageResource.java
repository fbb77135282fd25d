package org.cytotriage.audit.casefile;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.support.identity.Roles;
import org.cytotriage.support.problem.ProblemException;
import org.cytotriage.support.identity.Caller;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The pictures of the workstation view: an image as received, and its Grad-CAM overlay. */
@Path("/api/v1/images")
@RolesAllowed(Roles.CYTOPATHOLOGIST)
public class ImageResource {

    static final String OVERLAY_MEDIA_TYPE = "image/png";

    private final ImageStore store;
    private final Caller caller;

    ImageResource(ImageStore store, Caller caller) {
        this.store = store;
        this.caller = caller;
    }

    /** Where the view finds an image's original. */
    static String originalPath(String imageId) {
        return "/api/v1/images/" + imageId + "/original";
    }

    /** Where the view finds an image's latest overlay. */
    static String overlayPath(String imageId) {
        return "/api/v1/images/" + imageId + "/overlay";
    }

    @GET
    @Path("/{imageId}/original")
    @Operation(summary = "The image as it was received")
    public Response original(@PathParam("imageId") String imageId) {
        ImageRecord image = ImageRecord.findById(imageId);
        // Another hospital's image is answered as one that does not exist: its id tells nothing.
        if (image == null || !caller.scope(null).includes(image.hospitalId)) {
            throw notFound("unknown-image", "Unknown image", "no image '" + imageId + "' is on record");
        }
        return picture(image.storeKey, image.mediaType, "image " + imageId);
    }

    @GET
    @Path("/{imageId}/overlay")
    @Operation(summary = "The Grad-CAM heatmap of the image's latest explanation, blended on the image, with its colour scale")
    public Response overlay(@PathParam("imageId") String imageId) {
        ExplanationRecord explanation = ExplanationRecord.find("imageId = ?1 and overlayKey is not null order by explainedAt desc",
                imageId).firstResult();
        if (explanation != null && !caller.scope(null).includes(explanation.hospitalId)) {
            explanation = null;
        }
        if (explanation == null) {
            throw notFound("no-overlay", "No overlay", "no explanation with an overlay is on record for image '" + imageId + "'");
        }
        return picture(explanation.overlayKey, OVERLAY_MEDIA_TYPE, "the overlay of image " + imageId);
    }

    private Response picture(String key, String mediaType, String what) {
        byte[] bytes = store.get(key).orElseThrow(() -> notFound("missing-from-image-store", "Missing from the image store",
                what + " is on record but not in the image store (key " + key + ")"));
        return Response.ok(bytes, mediaType).build();
    }

    private static ProblemException notFound(String type, String title, String detail) {
        return new ProblemException(Response.Status.NOT_FOUND.getStatusCode(), type, title, detail);
    }
}
