package org.cytotriage.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Fills audit-service's database (its schema made by its own Flyway migrations) with the record of a
 * country: {@code images} images, four per case, each with a prediction and (when assessed) an
 * explanation, over {@code years} years up to now, spread over {@code hospitals} hospitals, by five
 * versions of thyroideffi-basic one after another, the last the shipped card's (so drift has a
 * reference). Four in five cases older than two weeks carry a final diagnosis, one in 97 of those a
 * correction. Written by {@code INSERT ... SELECT generate_series} on the server, never through Kafka:
 * only the rows are wanted here, and the server writes them fastest.
 *
 * <p>The ids are sequential ({@code i<n>}, {@code c<n>}), so the b-trees of the unique keys grow at
 * their right edge as the pipeline's own ids would not; the fill is the benchmark's preparation, not
 * what it measures.
 */
final class NationalRecord {

    static final String MODEL = "thyroideffi-basic";
    static final int IMAGES_PER_CASE = 4;
    /** Images per statement: a chunk is one transaction, and its progress line. */
    private static final long CHUNK = 500_000;

    private final long images;
    private final long cases;
    private final int hospitals;
    private final Instant start;
    private final Instant end;
    private final List<String> versions;
    private final List<String> shas;
    private final String imageKey;
    private final String imageSha;
    private final String overlayKey;

    NationalRecord(long images, int hospitals, int years, Instant end, List<String> versions, List<String> shas, String imageKey,
            String imageSha, String overlayKey) {
        this.images = images;
        this.cases = (images + IMAGES_PER_CASE - 1) / IMAGES_PER_CASE;
        this.hospitals = hospitals;
        this.end = end.truncatedTo(ChronoUnit.HOURS);
        this.start = this.end.minus(Duration.ofDays(365L * years + years / 4));
        this.versions = versions;
        this.shas = shas;
        this.imageKey = imageKey;
        this.imageSha = imageSha;
        this.overlayKey = overlayKey;
    }

    long cases() {
        return cases;
    }

    Instant start() {
        return start;
    }

    Instant end() {
        return end;
    }

    static String hospital(long number) {
        return String.format(Locale.ROOT, "h%03d", number);
    }

    /** The hospital of case n, as the SQL below gives it. */
    String hospitalOfCase(long n) {
        return hospital(n % hospitals + 1);
    }

    /** The instant case n arrived, as the SQL below gives it. */
    Instant caseTime(long n) {
        return start.plusMillis(Math.round(n * secondsPerCase() * 1000));
    }

    /** The version that predicted at this instant: the versions follow one another in equal spans. */
    String versionAt(Instant at) {
        double share = (double) Duration.between(start, at).toSeconds() / Duration.between(start, end).toSeconds();
        return versions.get((int) Math.min(versions.size() - 1, Math.floor(share * versions.size())));
    }

    private double secondsPerCase() {
        return (double) Duration.between(start, end).toSeconds() / cases;
    }

    void fill(Connection db, Report report) throws SQLException {
        db.setAutoCommit(true);
        try (Statement sql = db.createStatement()) {
            // Foreign keys and the append-only triggers are the writers' guards; rows made here are consistent by
            // construction, and a check per row would triple the fill. Only the owner (a superuser) may do this.
            sql.execute("set session_replication_role = replica");
            sql.execute("set maintenance_work_mem = '512MB'");
            Instant began = Instant.now();
            for (long low = 0; low < cases; low += CHUNK) {
                sql.executeUpdate(cases(low, Math.min(cases, low + CHUNK) - 1));
            }
            report.line("- cases: %,d in %.0f s", cases, seconds(began));
            Instant imagesBegan = Instant.now();
            for (long low = 0; low < images; low += CHUNK) {
                long high = Math.min(images, low + CHUNK) - 1;
                sql.executeUpdate(images(low, high));
                sql.executeUpdate(predictions(low, high));
                sql.executeUpdate(explanations(low, high));
                System.out.printf(Locale.ROOT, "  ... %,d of %,d images, predictions and explanations, %.0f s%n", high + 1, images,
                        seconds(imagesBegan));
            }
            report.line("- images, predictions, explanations: %,d each (less the unassessed images' explanations) in %.0f s", images,
                    seconds(imagesBegan));
            Instant diagnosesBegan = Instant.now();
            for (long low = 0; low < cases; low += CHUNK) {
                sql.executeUpdate(diagnoses(low, Math.min(cases, low + CHUNK) - 1));
            }
            sql.executeUpdate(deadLetters());
            report.line("- diagnoses and dead letters in %.0f s", seconds(diagnosesBegan));
            sql.execute("set session_replication_role = origin");
            Instant vacuumBegan = Instant.now();
            // What autovacuum would reach in its own time: the planner's statistics and the visibility map
            // (index-only scans) of a table that has been in service a while.
            sql.execute("vacuum analyze");
            report.line("- vacuum analyze in %.0f s; whole fill %.0f s", seconds(vacuumBegan), seconds(began));
        }
    }

    /**
     * Empties the record for the next scale: TRUNCATE, past the append-only triggers (a benchmark's
     * database, never a hospital's), so the next fill starts from the same empty tables.
     */
    static void empty(Connection db) throws SQLException {
        try (Statement sql = db.createStatement()) {
            sql.execute("set session_replication_role = replica");
            sql.execute("truncate cases, images, predictions, explanations, diagnoses, dead_letters, redrives, audit_samples, "
                    + "audit_sample_cases, disagreements, disagreement_reviews, retraining_requests, outbox cascade");
            sql.execute("set session_replication_role = origin");
        }
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }

    private String caseTimeSql(String n) {
        return String.format(Locale.ROOT, "timestamptz '%s' + (%s * %.6f) * interval '1 second'", start, n, secondsPerCase());
    }

    private String hospitalSql(String n) {
        return "'h' || lpad((" + n + " % " + hospitals + " + 1)::text, 3, '0')";
    }

    /** The case's true group (0 benign, 1 indeterminate, 2 malignant): 60 %, 30 %, 10 %. */
    private static String truthSql(String n) {
        return "(case when (" + n + "::bigint * 7919) % 10 < 6 then 0 when (" + n + "::bigint * 7919) % 10 < 9 then 1 else 2 end)";
    }

    private String cases(long low, long high) {
        return "insert into cases (case_id, hospital_id, first_seen_at, recorded_at) select 'c' || n, " + hospitalSql("n") + ", t, t from "
                + "(select n, " + caseTimeSql("n") + " as t from generate_series(" + low + "::bigint, " + high + ") n) s";
    }

    private String images(long low, long high) {
        return "insert into images (image_id, event_id, case_id, hospital_id, store_key, sha256, media_type, size_bytes, width, height, "
                + "source, received_at, recorded_at) select 'i' || m, 'ei' || m, 'c' || n, " + hospitalSql("n") + ", '" + imageKey + "', '"
                + imageSha + "', 'image/jpeg', 167000, 1024, 768, 'SCANNER', t, t from (select m, m / " + IMAGES_PER_CASE + " as n, "
                + caseTimeSql("(m / " + IMAGES_PER_CASE + ")") + " + (m % " + IMAGES_PER_CASE + ") * interval '30 seconds' as t "
                + "from generate_series(" + low + "::bigint, " + high + ") m) s";
    }

    /**
     * One prediction per image: the true group on top 85 % of the time, its probability uniform in
     * [0.5, 1), the rest split at random; one image in 50 not assessed (no group, flagged).
     */
    private String predictions(long low, long high) {
        String versionArray = "array['" + String.join("','", versions) + "']";
        String shaArray = "array['" + String.join("','", shas) + "']";
        double span = Duration.between(start, end).toSeconds();
        String version = "least(" + versions.size() + ", 1 + floor(extract(epoch from (t - timestamptz '" + start + "')) / " + span + " * "
                + versions.size() + ")::int)";
        return "insert into predictions (event_id, image_id, case_id, hospital_id, model_name, model_version, model_sha256, predicted_group, "
                + "p_benign, p_indeterminate, p_malignant, temperature, flagged_for_review, inference_ms, predicted_at, recorded_at, "
                + "assessable, out_of_distribution, stain_coverage, contrast, focus, prediction_set, set_coverage) "
                + "select 'ep' || m, 'i' || m, 'c' || n, " + hospitalSql("n") + ", '" + MODEL + "', (" + versionArray + ")[v], ("
                + shaArray + ")[v], case when assessable then (array['BENIGN','INDETERMINATE','MALIGNANT'])[top + 1] end, "
                + "case top when 0 then p else case (top + 1) % 3 when 0 then (1 - p) * r else (1 - p) * (1 - r) end end, "
                + "case top when 1 then p else case (top + 1) % 3 when 1 then (1 - p) * r else (1 - p) * (1 - r) end end, "
                + "case top when 2 then p else case (top + 1) % 3 when 2 then (1 - p) * r else (1 - p) * (1 - r) end end, "
                + "1.3, not assessable or p < 0.6, 40, t, t, assessable, case when assessable then 0.6 + r else 3.5 end, 0.3, 0.2, 50.0, "
                + "case when assessable then (array['BENIGN','INDETERMINATE','MALIGNANT'])[top + 1] end, 0.9 "
                + "from (select m, n, t, " + version + " as v, m % 50 <> 7 as assessable, "
                + "case when right_group then truth else (truth + 1 + (random() * 2)::int % 2) % 3 end as top, 0.5 + 0.5 * random() as p, "
                + "random() as r from (select m, m / " + IMAGES_PER_CASE + " as n, " + truthSql("(m / " + IMAGES_PER_CASE + ")") + " as truth, "
                + "random() < 0.85 as right_group, " + caseTimeSql("(m / " + IMAGES_PER_CASE + ")") + " + (m % " + IMAGES_PER_CASE
                + ") * interval '30 seconds' + interval '2 seconds' as t from generate_series(" + low + "::bigint, " + high
                + ") m) g) s";
    }

    /** The predictions of these images that were assessed, explained: a 7x7 heatmap and the overlay. */
    private String explanations(long low, long high) {
        return "insert into explanations (event_id, prediction_event_id, image_id, case_id, hospital_id, model_name, model_version, "
                + "model_sha256, explained_group, method, heatmap_rows, heatmap_cols, heatmap, overlay_key, explained_at, recorded_at) "
                + "select 'ee' || substr(image_id, 2), event_id, image_id, case_id, hospital_id, model_name, model_version, model_sha256, "
                + "predicted_group, 'GRAD_CAM', 7, 7, array_fill(0.25::real, array[49]), '" + overlayKey + "', "
                + "predicted_at + interval '1 second', predicted_at + interval '1 second' from predictions "
                + "where event_id in (select 'ep' || m from generate_series(" + low + "::bigint, " + high + ") m) and assessable";
    }

    /**
     * Bethesda by the true group: II benign, I/III/IV/V indeterminate, VI malignant; four cases in five
     * by {@code (n / 7) % 5}, which every hospital has (the run of 2026-12-07 took {@code n % 5}: the
     * hospitals h001, h006, ... had no diagnosis at all).
     */
    private String diagnoses(long low, long high) {
        String bethesda = "case " + truthSql("n") + " when 0 then 'II' when 2 then 'VI' else (array['I','III','IV','V'])[n % 4 + 1] end";
        String group = "(array['BENIGN','INDETERMINATE','MALIGNANT'])[" + truthSql("n") + " + 1]";
        String diagnosed = "(select n, t from (select n, " + caseTimeSql("n") + " + interval '7 days' as t from generate_series(" + low
                + "::bigint, " + high + ") n) s where (n / 7) % 5 <> 0 and t < timestamptz '" + end.minus(Duration.ofDays(7)) + "') c";
        return "insert into diagnoses (event_id, case_id, hospital_id, version, bethesda, treatment_group, recorded_by, diagnosed_at, recorded_at) "
                + "select 'ed' || n || '-' || v, 'c' || n, " + hospitalSql("n") + ", v, " + bethesda + ", " + group
                + ", 'benchmark.pathologist', t + (v - 1) * interval '3 days', t + (v - 1) * interval '3 days' from " + diagnosed
                + " cross join lateral generate_series(1, case when n % 97 = 1 then 2 else 1 end) v";
    }

    /** One image in 5,000 dead-lettered by inference (never re-driven). */
    private String deadLetters() {
        return "insert into dead_letters (event_id, occurred_at, service, source_topic, source_partition, source_offset, source_key, "
                + "source_event_id, image_id, case_id, hospital_id, reason, error_class) "
                + "select 'edl' || i.image_id, i.received_at, 'inference-service', 'fnab.images', 0, substr(i.image_id, 2)::bigint, i.case_id, "
                + "i.event_id, i.image_id, i.case_id, i.hospital_id, 'the image could not be decoded (benchmark)', 'java.io.IOException' "
                + "from images i where substr(i.image_id, 2)::bigint % 5000 = 3";
    }
}
