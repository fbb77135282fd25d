package org.cytotriage.support.identity;

/**
 * The realm's roles (identity/keycloak/cytotriage-realm.json), each with the least it needs; the
 * names resources put in {@code @RolesAllowed}.
 */
public final class Roles {

    /** Uploads to its own hospital and reads the status of its uploads. */
    public static final String SCANNER = "scanner";
    /**
     * A PACS or DICOM modality storing instances to its hospital over DICOMweb (STOW-RS); nothing
     * else. Its own role, not the scanner's: it reaches ingest by another protocol and another path.
     */
    public static final String PACS = "pacs";
    /** Its own hospital's worklist, cases, images and overlays; records final diagnoses. */
    public static final String CYTOPATHOLOGIST = "cytopathologist";
    /** Audit reports, metrics, drift, disagreement reviews and monthly samples of its hospitals. */
    public static final String AUDITOR = "auditor";
    /** Model cards, retraining requests and drift across hospitals; never patient images. */
    public static final String ML_ENGINEER = "ml-engineer";
    /**
     * Approves model releases clinically (the clinical half of a retrained candidate's two approvals,
     * beside an ML engineer's), and may ask for a rollback; sees the shadow comparison of a candidate
     * (of its hospitals) and the model change records. Nothing else new: its cases, diagnoses and
     * audit reports come with the cytopathologist or auditor role, where the account has one.
     */
    public static final String CYTOPATHOLOGIST_LEAD = "cytopathologist-lead";
    /** Operations: dead letters and their re-drive, every hospital's processing status. */
    public static final String ADMIN = "admin";

    private Roles() {
    }
}
