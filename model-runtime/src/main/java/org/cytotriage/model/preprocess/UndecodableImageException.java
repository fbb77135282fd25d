package org.cytotriage.model.preprocess;

/** The stored bytes are not a decodable image: a poison record, not a transient failure. */
public class UndecodableImageException extends RuntimeException {

    public UndecodableImageException(String message) {
        super(message);
    }
}
