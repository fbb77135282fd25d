package org.cytotriage.retraining;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.cytotriage.core.bethesda.BethesdaCategory;
import org.cytotriage.core.imagestore.ImageStore;
import org.cytotriage.core.imagestore.Sha256;
import org.cytotriage.events.Topics;
import org.cytotriage.events.v1.ConfirmedCase;
import org.cytotriage.events.v1.ImageReceived;
import org.cytotriage.events.v1.ImageRef;
import org.cytotriage.events.v1.ManifestRef;
import org.cytotriage.events.v1.ModelChange;
import org.cytotriage.events.v1.ModelRef;
import org.cytotriage.events.v1.RetrainingRequested;
import org.cytotriage.events.v1.RetrainingTrigger;
import org.cytotriage.events.v1.TreatmentGroup;
import org.cytotriage.infra.RealInfrastructure;
import org.cytotriage.infra.TopicReader;
import org.cytotriage.model.card.ModelCard;
import org.cytotriage.model.reference.ShippedModels;
import org.cytotriage.synthetic.Site;
import org.cytotriage.synthetic.SyntheticCytologyGenerator;

/** Confirmed synthetic cases in the image store, their manifest, and a retraining request for them: what audit-service would send. */
final class RetrainingFixture {

    static final String HOSPITAL = "hospital-retrain";
    static final Duration JOB_TIMEOUT = Duration.ofMinutes(12);

    record Image(String imageId, String caseId, String key, byte[] jpeg, BethesdaCategory truth) {
    }

    private RetrainingFixture() {
    }

    /** {@code perGroup} cases of each group (the indeterminate ones through Bethesda I, III, IV and V), one image each. */
    static List<Image> confirmedImages(ImageStore store, int perGroup, long seed) {
        SyntheticCytologyGenerator generator = new SyntheticCytologyGenerator();
        BethesdaCategory[] indeterminate = {BethesdaCategory.I, BethesdaCategory.III, BethesdaCategory.IV, BethesdaCategory.V};
        List<Image> images = new ArrayList<>();
        for (int i = 0; i < perGroup; i++) {
            for (BethesdaCategory category : List.of(BethesdaCategory.II, indeterminate[i % 4], BethesdaCategory.VI)) {
                byte[] jpeg = generator.generate(seed + images.size(), category, Site.SITE_A).jpegBytes();
                images.add(new Image(UUID.randomUUID().toString(), "case-" + seed + "-" + images.size(), store.put(HOSPITAL, jpeg), jpeg,
                        category));
            }
        }
        return images;
    }

    /** The manifest as audit-service writes it (an Avro object container file in the image store), with the labels {@code label} gives. */
    static ManifestRef manifest(ImageStore store, List<Image> images, Function<BethesdaCategory, BethesdaCategory> label) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataFileWriter<ConfirmedCase> file = new DataFileWriter<>(new SpecificDatumWriter<>(ConfirmedCase.class))) {
            file.create(ConfirmedCase.getClassSchema(), bytes);
            for (Image image : images) {
                BethesdaCategory given = label.apply(image.truth());
                file.append(ConfirmedCase.newBuilder().setImageId(image.imageId()).setImageKey(image.key())
                        .setBethesdaCategory(org.cytotriage.events.v1.BethesdaCategory.valueOf(given.name()))
                        .setGroup(TreatmentGroup.valueOf(given.group().name())).setHospitalId(HOSPITAL).setCaseId(image.caseId()).build());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] manifest = bytes.toByteArray();
        return ManifestRef.newBuilder().setKey(store.putAcrossHospitals(manifest)).setSha256(Sha256.hex(manifest)).setEntries(images.size())
                .setSizeBytes(manifest.length).build();
    }

    static RetrainingRequested request(ManifestRef manifest) {
        ModelCard live = ModelCard.read(ShippedModels.directory(ShippedModels.BASIC));
        return RetrainingRequested.newBuilder().setEventId(UUID.randomUUID().toString()).setRequestedAt(Instant.now())
                .setTrigger(RetrainingTrigger.DRIFT).setReason("test: the live model's inputs drifted")
                .setLiveModel(ModelRef.newBuilder().setName(live.name()).setVersion(WorkerTestResource.LIVE_VERSION).setSha256(live.sha256()).build())
                .setManifest(List.of()).setManifestRef(manifest).build();
    }

    static ImageReceived received(Image image) {
        return ImageReceived.newBuilder().setEventId(UUID.randomUUID().toString()).setImageId(image.imageId()).setCaseId(image.caseId())
                .setHospitalId(HOSPITAL).setReceivedAt(Instant.now())
                .setImage(ImageRef.newBuilder().setKey(image.key()).setSha256(Sha256.hex(image.jpeg())).setMediaType("image/jpeg")
                        .setSizeBytes(image.jpeg().length).setWidth(SyntheticCytologyGenerator.WIDTH).setHeight(SyntheticCytologyGenerator.HEIGHT)
                        .build())
                .setSource("test").build();
    }

    /** The job's steps, read until one of {@code last} is among them. */
    static List<ModelChange> stepsUntil(String requestId, Predicate<ModelChange> last) {
        return new TopicReader(RealInfrastructure.shared()).read(Topics.MODEL_CHANGES, ModelChange.class,
                c -> c.getRequestId().equals(requestId), found -> found.stream().map(ConsumerRecord::value).anyMatch(last), JOB_TIMEOUT)
                .stream().map(ConsumerRecord::value).toList();
    }

    /** Whether the worker's request consumer has acknowledged everything on fnab.retraining: every delivery has been answered. */
    static boolean everyRequestAnswered() {
        try (Admin admin = Admin.create(RealInfrastructure.shared().kafka().adminConfig())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("retraining-worker")
                    .partitionsToOffsetAndMetadata().get();
            int partitions = admin.describeTopics(List.of(Topics.RETRAINING)).allTopicNames().get().get(Topics.RETRAINING).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(Topics.RETRAINING, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().entrySet().stream().allMatch(end -> end.getValue().offset() == 0
                    || committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue().offset());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the worker's offsets", e);
        }
    }
}
