package org.cytotriage.retraining.dataset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.specific.SpecificDatumReader;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.events.v1.ConfirmedCase;
import org.cytotriage.events.v1.ManifestRef;

/**
 * The only place the worker reads a manifest's Avro: the object container file audit-service put in
 * the image store (its writer schema in its header, so 1.1 files without case ids read too), checked
 * against the sha256 and entry count the request names.
 */
public final class ManifestMapper {

    private ManifestMapper() {
    }

    /** @throws IllegalArgumentException when the bytes are not the file the request names */
    public static List<ConfirmedImage> read(byte[] file, ManifestRef ref) {
        String sha256 = Sha256.hex(file);
        if (!sha256.equals(ref.getSha256())) {
            throw new IllegalArgumentException("manifest " + ref.getKey() + " has sha256 " + sha256 + ", the request names " + ref.getSha256());
        }
        List<ConfirmedImage> images = new ArrayList<>();
        try (DataFileReader<ConfirmedCase> reader = new DataFileReader<>(new SeekableByteArrayInput(file),
                new SpecificDatumReader<>(ConfirmedCase.class))) {
            for (ConfirmedCase entry : reader) {
                images.add(of(entry));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("manifest " + ref.getKey() + " is not a readable Avro file of ConfirmedCase: " + e.getMessage(), e);
        }
        if (images.size() != ref.getEntries()) {
            throw new IllegalArgumentException("manifest " + ref.getKey() + " holds " + images.size() + " entries, the request names "
                    + ref.getEntries());
        }
        return images;
    }

    /** The 1.0 inline manifest. */
    public static List<ConfirmedImage> inline(List<ConfirmedCase> entries) {
        return entries.stream().map(ManifestMapper::of).toList();
    }

    private static ConfirmedImage of(ConfirmedCase entry) {
        return new ConfirmedImage(entry.getImageId(), entry.getImageKey(), BethesdaCategory.valueOf(entry.getBethesdaCategory().name()),
                entry.getHospitalId(), entry.getCaseId());
    }
}
