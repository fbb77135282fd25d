package org.cytotriage.events;

import java.util.ArrayList;
import java.util.List;

/** Avro arrays of float are {@code List<Float>} in the generated classes; the domain uses {@code float[]}. */
public final class FloatArrays {

    private FloatArrays() {
    }

    public static List<Float> toList(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float value : values) {
            list.add(value);
        }
        return list;
    }

    public static float[] toArray(List<Float> values) {
        float[] array = new float[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }
}
