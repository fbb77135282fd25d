-- The cytopathologist's worklist: each case with when its first image arrived, its prediction
-- (case_predictions) and its latest final diagnosis, if any. The predicted group is the most
-- probable one, the first of equals, as the Java code and numpy's argmax pick it.
create view worklist as
select c.case_id, c.hospital_id,
       coalesce((select min(i.received_at) from images i where i.case_id = c.case_id), p.predicted_at, c.first_seen_at) as received_at,
       p.model_name, p.model_version, p.p_benign, p.p_indeterminate, p.p_malignant,
       greatest(p.p_benign, p.p_indeterminate, p.p_malignant) as confidence,
       case when p.case_id is null then null
            when p.p_benign >= p.p_indeterminate and p.p_benign >= p.p_malignant then 'BENIGN'
            when p.p_indeterminate >= p.p_malignant then 'INDETERMINATE'
            else 'MALIGNANT' end as predicted_group,
       p.flagged_for_review, p.predicted_at, d.bethesda, d.version as diagnosis_version
from cases c
     left join case_predictions p on p.case_id = c.case_id
     left join latest_diagnoses d on d.case_id = c.case_id;
