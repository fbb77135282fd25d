package org.cytotriage.inference.model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.core.imagestore.Sha256;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** An ONNX Runtime session over a model whose file matched its card's sha256. */
public final class LoadedModel implements AutoCloseable {

    private static final List<String> CLASS_ORDER = List.of(TreatmentGroup.BENIGN.name(),
            TreatmentGroup.INDETERMINATE.name(), TreatmentGroup.MALIGNANT.name());

    private final ModelCard card;
    private final OrtSession session;

    private LoadedModel(ModelCard card, OrtSession session) {
        this.card = card;
        this.session = session;
    }

    public static LoadedModel load(Path directory, int intraOpThreads) {
        ModelCard card = ModelCard.read(directory);
        if (!CLASS_ORDER.equals(card.classOrder())) {
            throw new IllegalStateException("model " + card.name() + " has class order " + card.classOrder() + ", expected " + CLASS_ORDER);
        }
        try {
            byte[] bytes = Files.readAllBytes(directory.resolve("model.onnx"));
            String sha256 = Sha256.hex(bytes);
            if (!sha256.equals(card.sha256())) {
                throw new IllegalStateException("model.onnx in " + directory + " has sha256 " + sha256 + " but its card says " + card.sha256());
            }
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(intraOpThreads);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            return new LoadedModel(card, OrtEnvironment.getEnvironment().createSession(bytes, options));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model in " + directory, e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the model in " + directory, e);
        }
    }

    public ModelCard card() {
        return card;
    }

    public OrtSession session() {
        return session;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close model session", e);
        }
    }
}
