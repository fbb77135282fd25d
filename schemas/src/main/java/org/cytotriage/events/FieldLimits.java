package org.cytotriage.events;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * The bound on every string an event carries, read from the schema itself: each string field has a
 * {@code "maxLength"} attribute in its {@code .avsc}. It is the one number for that value: ingest
 * refuses input past it, every consumer checks records against it before recording them, and the
 * database columns are tested to hold it (audit-service's ColumnsHoldEventFieldsTest), so a value a
 * producer may send always fits where it is kept.
 */
public final class FieldLimits {

    /** The field attribute that bounds a string field, in characters. */
    public static final String MAX_LENGTH = "maxLength";

    private FieldLimits() {
    }

    /** The most characters the schema allows in {@code field} of {@code record}, or empty when it sets no bound. */
    public static OptionalInt maxLength(Schema record, String field) {
        Schema.Field found = record.getField(field);
        if (found == null) {
            throw new IllegalArgumentException(record.getFullName() + " has no field " + field);
        }
        return maxLength(found);
    }

    /** The most characters the schema allows in {@code field}, or empty when it sets no bound. */
    public static OptionalInt maxLength(Schema.Field field) {
        Object limit = field.getObjectProp(MAX_LENGTH);
        return limit instanceof Number n ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
    }

    /**
     * What in this record, nested records and arrays of records included, is longer than its
     * schema allows: one sentence a field, naming its path; empty when everything fits.
     */
    public static List<String> violations(IndexedRecord record) {
        List<String> found = new ArrayList<>();
        collect(record, "", found);
        return found;
    }

    private static void collect(IndexedRecord record, String prefix, List<String> found) {
        for (Schema.Field field : record.getSchema().getFields()) {
            check(record.get(field.pos()), field, prefix + field.name(), found);
        }
    }

    private static void check(Object value, Schema.Field field, String path, List<String> found) {
        if (value instanceof CharSequence text) {
            OptionalInt limit = maxLength(field);
            if (limit.isPresent() && text.length() > limit.getAsInt()) {
                found.add(path + " has " + text.length() + " characters; at most " + limit.getAsInt() + " are allowed");
            }
        } else if (value instanceof IndexedRecord nested) {
            collect(nested, path + ".", found);
        } else if (value instanceof List<?> items) {
            for (int i = 0; i < items.size(); i++) {
                if (items.get(i) instanceof IndexedRecord nested) {
                    collect(nested, path + "[" + i + "].", found);
                }
            }
        }
    }
}
