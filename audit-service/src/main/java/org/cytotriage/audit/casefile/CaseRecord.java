package org.cytotriage.audit.casefile;

import java.io.Serializable;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import jakarta.ws.rs.core.Response;

import org.cytotriage.support.identity.HospitalScope;
import org.cytotriage.support.problem.ProblemException;
import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A case: one FNAB of one patient's nodule at one hospital, known by the hospital and its id
 * together (hospital B's case "C-1" is not hospital A's). Created by whichever event arrives first.
 */
@Entity
@Immutable
@Table(name = "cases")
@IdClass(CaseRecord.Key.class)
public class CaseRecord extends PanacheEntityBase {

    /** The key of a case. */
    public record Key(String hospitalId, String caseId) implements Serializable {

        public Key() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "hospital_id")
    public String hospitalId;

    @Id
    @Column(name = "case_id")
    public String caseId;

    /** Records the case unless it is already there; events of one case arrive on several topics in any order. */
    public static void ensure(String caseId, String hospitalId) {
        getEntityManager().createNativeQuery("insert into cases (hospital_id, case_id) values (?1, ?2) on conflict do nothing")
                .setParameter(1, hospitalId)
                .setParameter(2, caseId)
                .executeUpdate();
    }

    /**
     * The case of this id that the scope sees. None is 404, whether no hospital has one or only
     * another hospital does (so ids tell nothing); two of the caller's hospitals having one is 409,
     * answered by naming the hospital.
     */
    public static CaseRecord visible(String caseId, HospitalScope scope) {
        List<CaseRecord> found = scope.isEvery() ? list("caseId", caseId)
                : scope.hospitals().isEmpty() ? List.of() : list("caseId = ?1 and hospitalId in (?2)", caseId, scope.hospitals());
        if (found.isEmpty()) {
            throw new ProblemException(Response.Status.NOT_FOUND.getStatusCode(), "unknown-case", "Unknown case",
                    "no case '" + caseId + "' is on record");
        }
        if (found.size() > 1) {
            throw new ProblemException(Response.Status.CONFLICT.getStatusCode(), "ambiguous-case", "Which hospital's case",
                    "case '" + caseId + "' is on record at " + found.stream().map(c -> c.hospitalId).sorted().toList()
                            + ": name the hospital (?hospital=)");
        }
        return found.get(0);
    }
}
