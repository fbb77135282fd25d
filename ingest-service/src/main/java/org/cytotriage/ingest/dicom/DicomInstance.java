package org.cytotriage.ingest.dicom;

import java.util.Map;

/**
 * One DICOM image instance as ingest takes it: who it is in the PACS, its top-level attributes'
 * values (the short ones, as text: identifiers and descriptions), and its image.
 */
public record DicomInstance(String transferSyntaxUid, Identity identity, Map<Integer, String> attributes, Image image) {

    /** The attribute's value, without padding; null when the instance does not have it. */
    public String attribute(int tag) {
        return attributes.get(tag);
    }

    /** Where the instance belongs in the PACS: the UIDs kept on the record. */
    public record Identity(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid, String sopClassUid) {
    }

    /** The image ingest validates: JPEG as the file held it, or PNG made from uncompressed pixels. */
    public record Image(String mediaType, byte[] bytes) {
    }
}
