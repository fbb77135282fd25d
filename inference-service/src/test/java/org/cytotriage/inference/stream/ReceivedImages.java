package org.cytotriage.inference.stream;

import java.time.Instant;
import java.util.UUID;

import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ImageReceived;

/** ImageReceived events as ingest-service would publish them, for stored (or deliberately unstored) bytes. */
public final class ReceivedImages {

    private ReceivedImages() {
    }

    public static ImageReceived stored(ImageStore store, String caseId, byte[] bytes) {
        return referring(caseId, store.put("hospital-test", bytes), bytes);
    }

    /** An event naming the bytes' key, whether or not the store has them. */
    public static ImageReceived referring(String caseId, String key, byte[] bytes) {
        return ImageReceived.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setImageId(UUID.randomUUID().toString())
                .setCaseId(caseId)
                .setHospitalId("hospital-test")
                .setReceivedAt(Instant.now())
                .setImage(ImageRef.newBuilder().setKey(key).setSha256(Sha256.hex(bytes)).setMediaType("image/jpeg")
                        .setSizeBytes(bytes.length).setWidth(1024).setHeight(768).build())
                .setSource("test")
                .build();
    }

    public static String keyOf(byte[] bytes) {
        return ImageStore.keyOf("hospital-test", Sha256.hex(bytes));
    }
}
