package org.cytotriage.model.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.cytotriage.core.bethesda.TreatmentGroup;
import org.cytotriage.core.imagestore.Sha256;
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
    private final OrtSession session;
    private final Set<String> requestedOutputs;
    // One input buffer per calling thread, grown as needed and reused: direct and in native order,
    // ONNX Runtime reads it in place. Allocating one per run (15 MB for two Premium images) made the
    // JVM hit its direct-memory limit and stall in System.gc() under load (measured).
    private final ThreadLocal<FloatBuffer> inputBuffers = new ThreadLocal<>();

    private LoadedModel(ModelCard card, OrtSession session) {
        this.card = card;
        this.session = session;
        // The feature maps stay inside ONNX Runtime: serving needs only logits and the small class maps.
        this.requestedOutputs = new LinkedHashSet<>();
        requestedOutputs.add(card.outputs().logits());
        if (card.outputs().classActivationMaps() != null) {
            requestedOutputs.add(card.outputs().classActivationMaps());
        }
    }

    public static LoadedModel load(Path directory, int intraOpThreads) {
        return load(directory, SessionSettings.threads(intraOpThreads));
    }

    public static LoadedModel load(Path directory, SessionSettings settings) {
        ModelCard card = ModelCard.read(directory);
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
                return new LoadedModel(card, OrtEnvironment.getEnvironment().createSession(bytes, options));
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
            if (mapsName == null) {
                return ModelOutput.split(inputs.size(), logits, null, null);
            }
            OnnxTensor maps = output(result, mapsName);
            return ModelOutput.split(inputs.size(), logits, floats(maps), maps.getInfo().getShape());
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on model " + card.name() + " " + card.version(), e);
        }
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
