package org.cytotriage.ingest.upload;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.cytotriage.events.FieldLimits;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.support.problem.ProblemException;

/**
 * The values a sender names with an upload, checked before its bytes are read, each against the
 * bound ImageReceived's schema sets for it: the one number, which consumers and the audit database
 * hold to as well.
 */
final class UploadFields {

    private static final Schema EVENT = ImageReceived.getClassSchema();
    private static final int FILE_NAME_LENGTH = limit("originalFileName");
    private static final Map<String, Pattern> IDS = Stream.of("caseId", "hospitalId").collect(Collectors.toMap(field -> field,
            field -> Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (limit(field) - 1) + "}")));

    private UploadFields() {
    }

    /** A case or hospital id: letters, digits, '.', '_' and '-', starting with a letter or digit, as long as the schema allows. */
    static String id(String field, String value) {
        if (value == null || !IDS.get(field).matcher(value).matches()) {
            throw refused("invalid-" + field, field + " must be 1-" + limit(field) + " letters, digits, '.', '_' or '-' (got '"
                    + shown(value) + "')");
        }
        return value;
    }

    /**
     * The name the sender's file had, kept for the record (none is fine). A name too long is refused
     * (422), not cut: the sender still knows the file by its whole name, and a cut name could match
     * another file's (scanners number their files at the end, the part that would be cut), so the
     * record would name the wrong file. Control characters (which forge log lines and break
     * displays) and path separators (a client that sent a path, not a name) are refused too.
     */
    static String fileName(String value) {
        if (value == null || value.isEmpty()) {
            return null; // browsers send an empty name for a file without one
        }
        if (value.length() > FILE_NAME_LENGTH) {
            throw refused("invalid-file-name", "the file name has " + value.length() + " characters; at most " + FILE_NAME_LENGTH
                    + " are accepted (rename the file and send it again)");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '/' || c == '\\') {
                throw refused("invalid-file-name", "the file name may hold no control characters and no '/' or '\\' (found U+"
                        + String.format("%04X", (int) c) + " at position " + i + ")");
            }
        }
        return value;
    }

    static ProblemException refused(String type, String detail) {
        return new ProblemException(ProblemException.UNPROCESSABLE, type, "Image not accepted", detail);
    }

    private static int limit(String field) {
        return FieldLimits.maxLength(EVENT, field).orElseThrow(() -> new IllegalStateException(
                "ImageReceived." + field + " states no " + FieldLimits.MAX_LENGTH + " in its schema"));
    }

    /** Enough of a refused value to recognise it, without echoing an unbounded one back. */
    private static String shown(String value) {
        return value == null || value.length() <= 80 ? value : value.substring(0, 80) + "...";
    }
}
