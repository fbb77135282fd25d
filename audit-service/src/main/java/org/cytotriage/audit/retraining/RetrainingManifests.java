package org.cytotriage.audit.retraining;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.cytotriage.audit.model.LiveModel;
import org.cytotriage.audit.model.ModelCardRecord;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.events.v1.BethesdaCategory;
import org.cytotriage.events.v1.ConfirmedCase;
import org.cytotriage.events.v1.ManifestRef;
import org.cytotriage.events.v1.TreatmentGroup;

/**
 * A retraining request's manifest, by claim check: every image of the cases confirmed since the
 * live model was trained (all confirmed cases when that is unknown), written as an Avro object
 * container file of ConfirmedCase records and put in the image store, the same content-addressed
 * store the images are in. The event carries only its key, sha256, entry count and size, so a
 * request has no size limit. Avro rather than JSON: the same ConfirmedCase record as the 1.0
 * inline manifest, so one contract in schemas/ and its field bounds hold for both; the writer
 * schema is in the file's header, so a reader resolves it across evolutions with no registry;
 * written row by row, compressed (deflate); Python reads it with fastavro or avro.
 */
@ApplicationScoped
class RetrainingManifests {

    /**
     * The same cases as ConfirmedCases.diagnosedSince (case_predictions joined with latest_diagnoses),
     * with their images joined in one query: one query per case took minutes for tens of thousands.
     */
    private static final String IMAGES = """
            select i.image_id, i.store_key, d.bethesda, p.hospital_id, p.case_id
            from case_predictions p join latest_diagnoses d on d.hospital_id = p.hospital_id and d.case_id = p.case_id
                 join images i on i.hospital_id = p.hospital_id and i.case_id = p.case_id
            """;
    private static final String ORDER = " order by p.hospital_id, p.case_id, i.image_id";

    private final EntityManager entityManager;
    private final ImageStore store;

    RetrainingManifests(EntityManager entityManager, ImageStore store) {
        this.entityManager = entityManager;
        this.store = store;
    }

    /** Writes the live model's manifest to the image store (in the caller's transaction, which reads it) and returns where it is. */
    ManifestRef store(LiveModel live) {
        ModelCardRecord card = ModelCardRecord.of(live.name(), live.version());
        Instant since = card == null ? null : card.trainedAt;
        var query = since == null ? entityManager.createNativeQuery(IMAGES + ORDER, Object[].class)
                : entityManager.createNativeQuery(IMAGES + " where d.recorded_at > ?1" + ORDER, Object[].class).setParameter(1, since);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int entries = 0;
        try (DataFileWriter<ConfirmedCase> file = new DataFileWriter<>(new SpecificDatumWriter<>(ConfirmedCase.class))) {
            file.setCodec(CodecFactory.deflateCodec(6));
            file.create(ConfirmedCase.getClassSchema(), bytes);
            @SuppressWarnings("unchecked")
            Stream<Object[]> rows = query.setHint("org.hibernate.fetchSize", 1000).getResultStream();
            try (rows) {
                for (Object[] row : (Iterable<Object[]>) rows::iterator) {
                    org.cytotriage.core.bethesda.BethesdaCategory category = org.cytotriage.core.bethesda.BethesdaCategory
                            .valueOf((String) row[2]);
                    file.append(ConfirmedCase.newBuilder()
                            .setImageId((String) row[0])
                            .setImageKey((String) row[1])
                            .setBethesdaCategory(BethesdaCategory.valueOf(category.name()))
                            .setGroup(TreatmentGroup.valueOf(category.group().name()))
                            .setHospitalId((String) row[3])
                            .setCaseId((String) row[4])
                            .build());
                    entries++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest of " + live.name() + " " + live.version(), e);
        }
        byte[] manifest = bytes.toByteArray();
        // Stored before the request commits: the event never points at a file that is not there. A
        // request rolled back leaves a file nobody names, harmless in a content-addressed store.
        String key = store.putAcrossHospitals(manifest);
        return ManifestRef.newBuilder().setKey(key).setSha256(Sha256.hex(manifest)).setEntries(entries)
                .setSizeBytes(manifest.length).build();
    }
}
