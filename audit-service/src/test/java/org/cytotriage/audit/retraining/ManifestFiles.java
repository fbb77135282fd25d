package org.cytotriage.audit.retraining;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.specific.SpecificDatumReader;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.events.v1.ConfirmedCase;
import org.cytotriage.events.v1.ManifestRef;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads a retraining manifest as the retraining team would: the file its claim check names, checked against its sha256. */
final class ManifestFiles {

    private ManifestFiles() {
    }

    static List<ConfirmedCase> read(ImageStore store, ManifestRef ref) {
        assertThat(ref).as("the request's claim check").isNotNull();
        byte[] bytes = store.get(ref.getKey()).orElseThrow(() -> new AssertionError("no manifest under " + ref.getKey()));
        assertThat(Sha256.hex(bytes)).as("sha256 of the manifest file").isEqualTo(ref.getSha256());
        assertThat((long) bytes.length).isEqualTo(ref.getSizeBytes());
        return read(bytes);
    }

    static List<ConfirmedCase> read(byte[] bytes) {
        List<ConfirmedCase> entries = new ArrayList<>();
        try (DataFileReader<ConfirmedCase> file = new DataFileReader<>(new SeekableByteArrayInput(bytes),
                new SpecificDatumReader<>(ConfirmedCase.class))) {
            file.forEach(entries::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }
}
