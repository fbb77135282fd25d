package org.cytotriage.core.imagestore;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The image store could not take or give bytes: a failure of the store, not of the content. */
public class ImageStoreException extends UncheckedIOException {

    private final boolean outOfSpace;

    public ImageStoreException(String message, IOException cause) {
        super(message, cause);
        this.outOfSpace = isOutOfSpace(cause);
    }

    /** Whether the volume was full (or over its quota), rather than unwritable or gone. */
    public boolean outOfSpace() {
        return outOfSpace;
    }

    /**
     * Java reports ENOSPC and EDQUOT only in the exception's text (the operating system's own words),
     * so that is what is read here; ImageStoreExceptionTest checks the words against a real ENOSPC.
     */
    static boolean isOutOfSpace(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("No space left on device") || message.contains("Disk quota exceeded");
    }
}
