package org.cytotriage.ingest.validation;

import org.cytotriage.support.problem.ProblemException;

/** Why an upload is not an acceptable image, as the problem the sender gets; the message is shown to them. */
public class InvalidImageException extends ProblemException {

    private InvalidImageException(int status, String type, String title, String reason) {
        super(status, type, title, reason);
    }

    /** Not an image format we take (415). */
    public static InvalidImageException unsupported(String reason) {
        return new InvalidImageException(415, "unsupported-image", "Unsupported image", reason);
    }

    /** Declared larger than the one upload limit (413). */
    public static InvalidImageException tooLarge(long bytes, long maxBytes) {
        return tooLarge(bytes + " bytes", maxBytes);
    }

    /** Sent without its length, and found larger than the one upload limit while it was read (413). */
    public static InvalidImageException tooLarge(long maxBytes) {
        return tooLarge("more than " + maxBytes + " bytes", maxBytes);
    }

    private static InvalidImageException tooLarge(String size, long maxBytes) {
        return new InvalidImageException(413, "image-too-large", "Image too large",
                "the upload has " + size + "; at most " + maxBytes + " are accepted");
    }

    /** Broken, empty or out of bounds (422). */
    public static InvalidImageException invalid(String reason) {
        return new InvalidImageException(UNPROCESSABLE, "invalid-image", "Image not accepted", reason);
    }
}
