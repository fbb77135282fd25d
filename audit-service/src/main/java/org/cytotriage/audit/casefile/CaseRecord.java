package org.cytotriage.audit.casefile;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A case: one FNAB of one patient's nodule at one hospital. Created by whichever event arrives first. */
@Entity
@Table(name = "cases")
public class CaseRecord extends PanacheEntityBase {

    @Id
    @Column(name = "case_id")
    public String caseId;

    @Column(name = "hospital_id")
    public String hospitalId;

    /** Records the case unless it is already there; events of one case arrive on several topics in any order. */
    public static void ensure(String caseId, String hospitalId) {
        getEntityManager().createNativeQuery("insert into cases (case_id, hospital_id) values (?1, ?2) on conflict do nothing")
                .setParameter(1, caseId)
                .setParameter(2, hospitalId)
                .executeUpdate();
    }
}
