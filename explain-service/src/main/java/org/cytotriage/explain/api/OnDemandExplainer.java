package org.cytotriage.explain.api;

import java.awt.image.BufferedImage;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.explain.model.ModelCatalog;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.gradcam.GradCam;
import org.cytotriage.model.gradcam.Heatmap;
import org.cytotriage.model.preprocess.ImageDecoder;
import org.cytotriage.model.preprocess.ModelInputs;
import org.cytotriage.model.run.LoadedModel;
import org.cytotriage.model.run.ModelOutput;

/**
 * Grad-CAM of any class, on request: runs the named model version again on the stored image. The
 * stream needs no model (inference ships the maps); a cytopathologist asking "why not malignant?"
 * does.
 */
@ApplicationScoped
public class OnDemandExplainer {

    /** One class's heatmap, and the image it was computed on. */
    public record Result(ModelCard model, TreatmentGroup group, double[] probabilities, Heatmap heatmap, BufferedImage image) {
    }

    private final ModelCatalog catalog;
    private final ImageStore store;

    OnDemandExplainer(ModelCatalog catalog, ImageStore store) {
        this.catalog = catalog;
        this.store = store;
    }

    /**
     * @throws ModelCatalog.UnknownModelException when the version is not known here
     * @throws MissingImageException when the store has no such image
     * @throws org.cytotriage.model.preprocess.UndecodableImageException when the bytes are no image
     */
    public Result explain(String imageKey, String modelName, String version, TreatmentGroup group) {
        LoadedModel model = catalog.model(modelName, version);
        byte[] bytes = store.get(imageKey).orElseThrow(() -> new MissingImageException("no image under key " + imageKey));
        BufferedImage image = ImageDecoder.decode(bytes);
        ModelOutput output = model.run(List.of(ModelInputs.of(image, model.card()))).get(0);
        if (output.activationMaps() == null) {
            throw new IllegalStateException("model " + modelName + " " + version + " exports no class activation maps");
        }
        Heatmap heatmap = GradCam.ofClass(output, group.ordinal(), model.card().preprocessing().views());
        return new Result(model.card(), group, output.probabilities(model.card().calibration().temperature()), heatmap, image);
    }

    /** The image store has nothing under the key. */
    public static final class MissingImageException extends RuntimeException {
        MissingImageException(String message) {
            super(message);
        }
    }
}
