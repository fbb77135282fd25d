package org.cytotriage.ingest.dicom;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The store instances response of STOW-RS (PS3.18 10.5.3) in DICOM JSON (PS3.18 F.2): a Referenced
 * SOP Sequence (0008,1199) of what was stored, a Failed SOP Sequence (0008,1198) of what was not,
 * each failure with its Failure Reason (0008,1197) and the start of the reason in words as an
 * Error Comment (0000,0902, LO: 64 characters; ingest logs the whole of it with the instance's UID). 200 when all were stored, 202 when some were, 409 when none was.
 */
final class StowResponse {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final List<DicomInstance.Identity> stored = new ArrayList<>();
    private final List<Failure> failed = new ArrayList<>();

    void stored(DicomInstance.Identity instance) {
        stored.add(instance);
    }

    /** {@code instance} is null, or names only what the refused file told of itself. */
    void failed(DicomInstance.Identity instance, int reason, String comment) {
        failed.add(new Failure(instance, reason, comment));
    }

    boolean isEmpty() {
        return stored.isEmpty() && failed.isEmpty();
    }

    int status() {
        return failed.isEmpty() ? 200 : stored.isEmpty() ? 409 : 202;
    }

    ObjectNode json() {
        ObjectNode dataset = JSON.objectNode();
        if (!stored.isEmpty()) {
            ArrayNode items = sequence(dataset, "00081199");
            stored.forEach(instance -> items.add(reference(instance)));
        }
        if (!failed.isEmpty()) {
            ArrayNode items = sequence(dataset, "00081198");
            for (Failure failure : failed) {
                ObjectNode item = reference(failure.instance());
                element(item, "00081197", "US").add(failure.reason());
                element(item, "00000902", "LO").add(comment(failure.comment()));
                items.add(item);
            }
        }
        return dataset;
    }

    /** An Error Comment is LO, 64 characters at most: the start of the reason (ingest's log has all of it). */
    static String comment(String reason) {
        return reason.length() <= 64 ? reason : reason.substring(0, 61) + "...";
    }

    private static ObjectNode reference(DicomInstance.Identity instance) {
        ObjectNode item = JSON.objectNode();
        if (instance != null && instance.sopClassUid() != null) {
            element(item, "00081150", "UI").add(instance.sopClassUid());
        }
        if (instance != null && instance.sopInstanceUid() != null) {
            element(item, "00081155", "UI").add(instance.sopInstanceUid());
        }
        return item;
    }

    private static ArrayNode sequence(ObjectNode dataset, String tag) {
        return element(dataset, tag, "SQ");
    }

    private static ArrayNode element(ObjectNode dataset, String tag, String vr) {
        ObjectNode element = dataset.putObject(tag);
        element.put("vr", vr);
        return element.putArray("Value");
    }

    private record Failure(DicomInstance.Identity instance, int reason, String comment) {
    }
}
