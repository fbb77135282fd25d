package org.cytotriage.explain.api;

import java.util.Arrays;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.explain.model.ExplainConfig;
import org.cytotriage.explain.model.ModelCatalog;
import org.cytotriage.model.gradcam.OverlayRenderer;
import org.cytotriage.model.preprocess.UndecodableImageException;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.support.identity.Caller;
import org.cytotriage.support.identity.Roles;
import org.cytotriage.support.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * Grad-CAM of any class of an image on the model version named in its prediction, as the grid and
 * as the overlay picture. The image is named by its image store key (the prediction's
 * {@code image.key}), which says whose image it is: a cytopathologist is shown their hospitals'
 * images only, and another hospital's key is answered as one that does not exist.
 */
@Path("/api/v1/explanations")
@RolesAllowed(Roles.CYTOPATHOLOGIST)
public class ExplanationResource {

    /** The heatmap of one class, row-major, scaled to 0..1, stretched over the whole image. */
    public record Explanation(String modelName, String modelVersion, String modelSha256, String group, String method,
            double probability, int rows, int cols, float[] heatmap) {
    }

    private final OnDemandExplainer explainer;
    private final int overlayWidth;
    private final Caller caller;

    ExplanationResource(OnDemandExplainer explainer, ExplainConfig config, Caller caller) {
        this.explainer = explainer;
        this.overlayWidth = config.overlayWidth();
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Grad-CAM of one class of an image on a named model version (runs the model again)")
    public Explanation explain(@QueryParam("image") @Parameter(description = "image store key") String image,
            @QueryParam("model") String model, @QueryParam("version") String version,
            @QueryParam("group") @Parameter(description = "BENIGN, INDETERMINATE or MALIGNANT") String group) {
        OnDemandExplainer.Result result = run(image, model, version, group);
        return new Explanation(result.model().name(), result.model().version(), result.model().sha256(),
                result.group().name(), "grad-cam", result.probabilities()[result.group().ordinal()],
                result.heatmap().rows(), result.heatmap().cols(), result.heatmap().values());
    }

    @GET
    @Path("/overlay")
    @Produces("image/png")
    @Operation(summary = "The same heatmap blended on the image, with its colour scale, as a PNG")
    public Response overlay(@QueryParam("image") String image, @QueryParam("model") String model,
            @QueryParam("version") String version, @QueryParam("group") String group) {
        OnDemandExplainer.Result result = run(image, model, version, group);
        String caption = "Grad-CAM " + result.group() + ", " + result.model().name() + " " + result.model().version();
        return Response.ok(OverlayRenderer.png(result.image(), result.heatmap(), caption, overlayWidth), "image/png").build();
    }

    private OnDemandExplainer.Result run(String image, String model, String version, String group) {
        if (image == null || model == null || version == null || group == null) {
            throw new ProblemException(400, "missing-parameter", "Missing parameter",
                    "image, model, version and group are all required");
        }
        if (!ImageStore.hospitalOf(image).filter(caller.scope(null)::includes).isPresent()) {
            throw new ProblemException(404, "unknown-image", "Unknown image", "no image '" + image + "' is in the image store");
        }
        TreatmentGroup parsed = Arrays.stream(TreatmentGroup.values())
                .filter(g -> g.name().equals(group.toUpperCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new ProblemException(400, "unknown-group", "Unknown treatment group",
                        "group '" + group + "' is none of " + Arrays.toString(TreatmentGroup.values())));
        try {
            return explainer.explain(image, model, version, parsed);
        } catch (ModelCatalog.UnknownModelException e) {
            throw new ProblemException(404, "unknown-model-version", "Unknown model version", e.getMessage());
        } catch (OnDemandExplainer.MissingImageException e) {
            throw new ProblemException(404, "unknown-image", "Unknown image", e.getMessage());
        } catch (UndecodableImageException e) {
            throw new ProblemException(ProblemException.UNPROCESSABLE, "undecodable-image", "Undecodable image", e.getMessage());
        }
    }
}
