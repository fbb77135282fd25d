-- Issue 25: the model says when it must not answer. A prediction carries the assessability verdict
-- (null: made before the gate existed, PredictionMade 1.1) and the conformal prediction set. A NOT
-- assessable image has no treatment group, and counts apart: its probabilities are kept as the model
-- gave them but enter no case prediction, metric or sample.
alter table predictions alter column predicted_group drop not null;
alter table predictions
    add column assessable          boolean,
    add column assessment_reasons  text,
    add column out_of_distribution double precision,
    add column stain_coverage      double precision,
    add column contrast            double precision,
    add column focus               double precision,
    add column prediction_set      varchar(40),
    add column set_coverage        double precision,
    add constraint no_group_when_not_assessable check (assessable is not false or predicted_group is null);

-- A case's prediction: the mean of its assessable images' calibrated probabilities, by the version
-- that first predicted it (as before, less the images the model must not answer for).
create or replace view case_predictions as
select distinct on (hospital_id, case_id) case_id, hospital_id, model_name, model_version, p_benign, p_indeterminate,
       p_malignant, flagged_for_review, predicted_at, images
from (select case_id, hospital_id, model_name, model_version,
             avg(p_benign) as p_benign, avg(p_indeterminate) as p_indeterminate, avg(p_malignant) as p_malignant,
             bool_or(flagged_for_review) as flagged_for_review, min(predicted_at) as predicted_at, count(*) as images
      from predictions
      where assessable is not false
      group by hospital_id, case_id, model_name, model_version) per_model
order by hospital_id, case_id, predicted_at;

-- Per case, how many of its images the model did not assess (any version's verdict, once per image).
create view case_not_assessable as
select hospital_id, case_id, count(distinct image_id) as images
from predictions
where assessable = false
group by hospital_id, case_id;

create or replace view worklist as
select c.case_id, c.hospital_id,
       coalesce((select min(i.received_at) from images i where i.hospital_id = c.hospital_id and i.case_id = c.case_id),
                p.predicted_at, c.first_seen_at) as received_at,
       p.model_name, p.model_version, p.p_benign, p.p_indeterminate, p.p_malignant,
       greatest(p.p_benign, p.p_indeterminate, p.p_malignant) as confidence,
       case when p.case_id is null then null
            when p.p_benign >= p.p_indeterminate and p.p_benign >= p.p_malignant then 'BENIGN'
            when p.p_indeterminate >= p.p_malignant then 'INDETERMINATE'
            else 'MALIGNANT' end as predicted_group,
       coalesce(p.flagged_for_review, case when n.case_id is not null then true end) as flagged_for_review,
       p.predicted_at, d.bethesda, d.version as diagnosis_version,
       (select l.reason from dead_letters l
        where l.hospital_id = c.hospital_id and l.case_id = c.case_id
          and not exists (select 1 from redrives r where r.dead_letter_event_id = l.event_id)
          and not exists (select 1 from explanations e where e.image_id = l.image_id and e.recorded_at > l.recorded_at)
        order by l.occurred_at desc limit 1) as not_processed,
       coalesce(n.images, 0) as not_assessable_images
from cases c
     left join case_predictions p on p.hospital_id = c.hospital_id and p.case_id = c.case_id
     left join latest_diagnoses d on d.hospital_id = c.hospital_id and d.case_id = c.case_id
     left join case_not_assessable n on n.hospital_id = c.hospital_id and n.case_id = c.case_id;
