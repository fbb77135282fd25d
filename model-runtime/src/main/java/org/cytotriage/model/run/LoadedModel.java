package org.cytotriage.model.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.model.assess.AssessabilityProfile;
import org.cytotriage.model.assess.ImageMeasures;
import org.cytotriage.model.assess.Verdict;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.preprocess.ModelInputs;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * An ONNX Runtime session over a model directory whose {@code model.onnx} matched its card's
 * sha256. Thread-safe: ONNX Runtime sessions accept concurrent runs.
 */
public final class LoadedModel implements AutoCloseable {

    private static final List<String> CLASS_ORDER = List.of(TreatmentGroup.BENIGN.name(),
            TreatmentGroup.INDETERMINATE.name(), TreatmentGroup.MALIGNANT.name());

    private final ModelCard card;
    private final AssessabilityProfile profile;
    private final boolean assessing;
    private final OrtSession session;
    private final Set<String> requestedOutputs;
    // One input buffer per calling thread, grown as needed and reused: direct and in native order,
    // ONNX Runtime reads it in place. Allocating one per run (15 MB for two Premium images) made the
    // JVM hit its direct-memory limit and stall in System.gc() under load (measured).
    private final ThreadLocal<FloatBuffer> inputBuffers = new ThreadLocal<>();

    private LoadedModel(ModelCard card, AssessabilityProfile profile, boolean assessing, OrtSession session) {
        this.card = card;
        this.profile = profile;
        this.assessing = assessing;
        this.session = session;
        // Serving needs the logits, the small class maps and, for the assessability verdict, the
        // feature map (pooled here, of the whole-image view only).
        this.requestedOutputs = new LinkedHashSet<>();
        requestedOutputs.add(card.outputs().logits());
        if (card.outputs().classActivationMaps() != null) {
            requestedOutputs.add(card.outputs().classActivationMaps());
        }
        if (assessing) {
            requestedOutputs.add(card.outputs().features());
        }
    }

    public static LoadedModel load(Path directory, int intraOpThreads) {
        return load(directory, SessionSettings.threads(intraOpThreads));
    }

    /**
     * A model to serve: its card, {@code model.onnx} checked against the card's sha256, and its
     * assessability profile (required: a model that cannot tell which images it must not answer for
     * is not served). Every output carries its image's {@link Verdict}.
     */
    public static LoadedModel load(Path directory, SessionSettings settings) {
        return load(directory, ModelCard.read(directory), true, true, settings);
    }

    /**
     * The model without its assessability gate: outputs carry no verdict, features nor measures.
     * Only for measuring what the gate costs (the inference benchmark); never served.
     */
    public static LoadedModel loadWithoutGate(Path directory, SessionSettings settings) {
        return load(directory, ModelCard.read(directory), false, false, settings);
    }

    /**
     * A model whose assessability profile is still to be fitted ({@code training/}'s profiling run):
     * every output carries the pooled features and the image measures the profile is fitted on, and no verdict.
     */
    public static LoadedModel loadForProfiling(Path directory, SessionSettings settings) {
        return load(directory, ModelCard.read(directory), false, true, settings);
    }

    private static LoadedModel load(Path directory, ModelCard card, boolean profiled, boolean assessing,
            SessionSettings settings) {
        if (!CLASS_ORDER.equals(card.classOrder())) {
            throw new IllegalStateException("model " + card.name() + " has class order " + card.classOrder()
                    + ", expected " + CLASS_ORDER);
        }
        try {
            byte[] bytes = Files.readAllBytes(directory.resolve("model.onnx"));
            String sha256 = Sha256.hex(bytes);
            if (!sha256.equals(card.sha256())) {
                throw new IllegalStateException("model.onnx in " + directory + " has sha256 " + sha256
                        + " but its card says " + card.sha256());
            }
            try (OrtSession.SessionOptions options = settings.toOptions()) {
                AssessabilityProfile profile = profiled ? AssessabilityProfile.read(directory, card) : null;
                return new LoadedModel(card, profile, assessing, OrtEnvironment.getEnvironment().createSession(bytes, options));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model in " + directory, e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the model in " + directory, e);
        }
    }

    public ModelCard card() {
        return card;
    }

    /** The assessability profile; null for a model loaded for profiling. */
    public AssessabilityProfile profile() {
        return profile;
    }

    /** Runs a batch of inputs made by {@link ModelInputs#of}; one output per input, in order. */
    public List<ModelOutput> run(List<float[]> inputs) {
        ModelCard.Preprocessing spec = card.preprocessing();
        int length = ModelInputs.length(card);
        FloatBuffer batch = inputBuffer(inputs.size() * length);
        for (float[] input : inputs) {
            if (input.length != length) {
                throw new IllegalArgumentException("input of " + input.length + " floats, model " + card.name()
                        + " takes " + length);
            }
            batch.put(input);
        }
        batch.flip();
        long[] shape = card.preprocessing().views() == null
                ? new long[] {inputs.size(), 3, spec.height(), spec.width()}
                : new long[] {inputs.size(), card.viewCount(), 3, spec.height(), spec.width()};
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, batch, shape);
                OrtSession.Result result = session.run(Map.of(spec.inputName(), tensor), requestedOutputs)) {
            float[] logits = floats(output(result, card.outputs().logits()));
            String mapsName = card.outputs().classActivationMaps();
            List<ModelOutput> outputs;
            if (mapsName == null) {
                outputs = ModelOutput.split(inputs.size(), logits, null, null);
            } else {
                OnnxTensor maps = output(result, mapsName);
                outputs = ModelOutput.split(inputs.size(), logits, floats(maps), maps.getInfo().getShape());
            }
            return assessing ? assessed(inputs, outputs, output(result, card.outputs().features())) : outputs;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on model " + card.name() + " " + card.version(), e);
        }
    }

    /**
     * Each output with its image's measures, the whole-image view's pooled features and, with a
     * profile, the verdict. The features are [N,C,h,w] or [N,V,C,h,w]; only view 0 is read.
     */
    private List<ModelOutput> assessed(List<float[]> inputs, List<ModelOutput> outputs, OnnxTensor features) {
        long[] shape = features.getInfo().getShape();
        int channels = (int) shape[shape.length - 3];
        int cells = (int) (shape[shape.length - 2] * shape[shape.length - 1]);
        int views = shape.length == 5 ? (int) shape[1] : 1;
        int view = profile == null ? 0 : profile.features().view();
        FloatBuffer buffer = features.getFloatBuffer();
        List<ModelOutput> assessed = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            float[] pooled = new float[channels];
            int from = (i * views + view) * channels * cells;
            for (int c = 0; c < channels; c++) {
                double sum = 0;
                int start = from + c * cells;
                for (int cell = 0; cell < cells; cell++) {
                    sum += buffer.get(start + cell);
                }
                pooled[c] = (float) (sum / cells);
            }
            ImageMeasures measures = ImageMeasures.of(inputs.get(i), card);
            Verdict verdict = profile == null ? null : profile.assess(measures, pooled);
            assessed.add(outputs.get(i).assessed(pooled, measures, verdict));
        }
        return assessed;
    }

    private FloatBuffer inputBuffer(int floats) {
        FloatBuffer buffer = inputBuffers.get();
        if (buffer == null || buffer.capacity() < floats) {
            buffer = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            inputBuffers.set(buffer);
        }
        buffer.clear();
        buffer.limit(floats);
        return buffer;
    }

    private static OnnxTensor output(OrtSession.Result result, String name) {
        return (OnnxTensor) result.get(name).orElseThrow(() -> new IllegalStateException("the model has no output " + name));
    }

    private static float[] floats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
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
