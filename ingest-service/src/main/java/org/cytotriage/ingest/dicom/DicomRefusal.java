package org.cytotriage.ingest.dicom;

/**
 * Why a DICOM instance is not stored, as STOW-RS says it: a failure reason of PS3.18's store
 * transaction (and PS3.4's C-STORE statuses) and the words for the sender's log. The instance's
 * identity goes with it where the file named one, so the response can say which instance failed.
 */
public final class DicomRefusal extends RuntimeException {

    /** Larger than ingest takes (the upload limit). */
    public static final int OUT_OF_RESOURCES = 0xA700;
    /** The file could not be parsed as DICOM. */
    public static final int CANNOT_UNDERSTAND = 0xC000;
    /** The transfer syntax is not one ingest reads. */
    public static final int TRANSFER_SYNTAX_NOT_SUPPORTED = 0xC122;
    /** The SOP class is not one ingest takes. */
    public static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;
    /** A required attribute is missing or the pixel data does not match its description. */
    public static final int DATA_SET_DOES_NOT_MATCH = 0xA900;
    /** Read, but not an image ingest takes (several frames, a pixel layout or image it refuses). */
    public static final int PROCESSING_FAILURE = 0x0110;

    private final int reason;
    private final transient DicomInstance.Identity identity;

    private DicomRefusal(int reason, String message, DicomInstance.Identity identity) {
        super(message);
        this.reason = reason;
        this.identity = identity;
    }

    static DicomRefusal cannotUnderstand(String message) {
        return new DicomRefusal(CANNOT_UNDERSTAND, message, null);
    }

    static DicomRefusal transferSyntaxNotSupported(String message) {
        return new DicomRefusal(TRANSFER_SYNTAX_NOT_SUPPORTED, message, null);
    }

    static DicomRefusal classNotSupported(String message) {
        return new DicomRefusal(SOP_CLASS_NOT_SUPPORTED, message, null);
    }

    static DicomRefusal doesNotMatch(String message) {
        return new DicomRefusal(DATA_SET_DOES_NOT_MATCH, message, null);
    }

    public static DicomRefusal processingFailure(String message) {
        return new DicomRefusal(PROCESSING_FAILURE, message, null);
    }

    /** The same refusal, naming the instance it is about. */
    DicomRefusal of(DicomInstance.Identity instance) {
        return new DicomRefusal(reason, getMessage(), instance);
    }

    public int reason() {
        return reason;
    }

    /** The instance refused, where the file named it; null when it was refused before its identity was read. */
    public DicomInstance.Identity identity() {
        return identity;
    }
}
