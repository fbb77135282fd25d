package org.cytotriage.ingest.validation;

/** Why an upload is not an acceptable image; the message is shown to the sender. */
public class InvalidImageException extends RuntimeException {

    /** Whether the content is not an image format we take (415), rather than a broken or out-of-bounds one (422). */
    private final boolean unsupportedType;

    public InvalidImageException(String reason, boolean unsupportedType) {
        super(reason);
        this.unsupportedType = unsupportedType;
    }

    public boolean unsupportedType() {
        return unsupportedType;
    }
}
