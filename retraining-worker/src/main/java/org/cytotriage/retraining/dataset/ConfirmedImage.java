package org.cytotriage.retraining.dataset;

import org.cytotriage.core.bethesda.BethesdaCategory;

/** One entry of a retraining manifest: a confirmed image, its final diagnosis, and the case it belongs to. */
public record ConfirmedImage(String imageId, String imageKey, BethesdaCategory bethesda, String hospitalId, String caseId) {

    /** Images of one case stay together; an entry without a case (a 1.1 manifest) is a case of its own. */
    public String caseKey() {
        return hospitalId + "/" + (caseId == null ? "image:" + imageId : caseId);
    }
}
