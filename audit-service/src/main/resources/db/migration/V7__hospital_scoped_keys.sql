-- Tenancy (issue 23): a case is known by its hospital and its id together. Hospital B's case "C-1"
-- is not hospital A's case "C-1": the key of cases becomes (hospital_id, case_id), every table that
-- refers to a case refers to that pair, and the views join on it. Existing rows keep their values;
-- the two tables that had no hospital of their own (explanations, audit_sample_cases) take it from
-- the image and the sample they belong to.

drop view worklist;
drop view latest_diagnoses;
drop view case_predictions;

alter table explanations add column hospital_id varchar(64);
update explanations e set hospital_id = coalesce(
    (select i.hospital_id from images i where i.image_id = e.image_id),
    (select p.hospital_id from predictions p where p.event_id = e.prediction_event_id),
    (select c.hospital_id from cases c where c.case_id = e.case_id));
alter table explanations alter column hospital_id set not null;

alter table audit_sample_cases add column hospital_id varchar(64);
update audit_sample_cases sc set hospital_id = (select s.hospital_id from audit_samples s where s.id = sc.sample_id);
alter table audit_sample_cases alter column hospital_id set not null;

alter table images drop constraint images_case_id_fkey;
alter table predictions drop constraint predictions_case_id_fkey;
alter table explanations drop constraint explanations_case_id_fkey;
alter table diagnoses drop constraint diagnoses_case_id_fkey;
alter table audit_sample_cases drop constraint audit_sample_cases_case_id_fkey;
alter table disagreements drop constraint disagreements_case_id_fkey;

alter table cases drop constraint cases_pkey;
alter table cases add constraint cases_pkey primary key (hospital_id, case_id);

alter table images add constraint images_case_fkey foreign key (hospital_id, case_id) references cases (hospital_id, case_id);
alter table predictions add constraint predictions_case_fkey foreign key (hospital_id, case_id) references cases (hospital_id, case_id);
alter table explanations add constraint explanations_case_fkey foreign key (hospital_id, case_id) references cases (hospital_id, case_id);
alter table diagnoses add constraint diagnoses_case_fkey foreign key (hospital_id, case_id) references cases (hospital_id, case_id);
alter table audit_sample_cases add constraint audit_sample_cases_case_fkey foreign key (hospital_id, case_id) references cases (hospital_id, case_id);
alter table disagreements add constraint disagreements_case_fkey foreign key (hospital_id, case_id) references cases (hospital_id, case_id);

alter table diagnoses drop constraint one_diagnosis_per_case_and_version;
alter table diagnoses add constraint one_diagnosis_per_case_and_version unique (hospital_id, case_id, version);
alter table disagreements drop constraint one_disagreement_per_case_and_diagnosis;
alter table disagreements add constraint one_disagreement_per_case_and_diagnosis unique (hospital_id, case_id, diagnosis_version);

drop index predictions_case;
create index predictions_case on predictions (hospital_id, case_id);
drop index explanations_case;
create index explanations_case on explanations (hospital_id, case_id);
drop index dead_letters_case;
create index dead_letters_case on dead_letters (hospital_id, case_id);
create index images_case on images (hospital_id, case_id);

create view case_predictions as
select distinct on (hospital_id, case_id) case_id, hospital_id, model_name, model_version, p_benign, p_indeterminate,
       p_malignant, flagged_for_review, predicted_at, images
from (select case_id, hospital_id, model_name, model_version,
             avg(p_benign) as p_benign, avg(p_indeterminate) as p_indeterminate, avg(p_malignant) as p_malignant,
             bool_or(flagged_for_review) as flagged_for_review, min(predicted_at) as predicted_at, count(*) as images
      from predictions
      group by hospital_id, case_id, model_name, model_version) per_model
order by hospital_id, case_id, predicted_at;

create view latest_diagnoses as
select distinct on (hospital_id, case_id) hospital_id, case_id, version, bethesda, treatment_group, recorded_by, recorded_at
from diagnoses
order by hospital_id, case_id, version desc;

create view worklist as
select c.case_id, c.hospital_id,
       coalesce((select min(i.received_at) from images i where i.hospital_id = c.hospital_id and i.case_id = c.case_id),
                p.predicted_at, c.first_seen_at) as received_at,
       p.model_name, p.model_version, p.p_benign, p.p_indeterminate, p.p_malignant,
       greatest(p.p_benign, p.p_indeterminate, p.p_malignant) as confidence,
       case when p.case_id is null then null
            when p.p_benign >= p.p_indeterminate and p.p_benign >= p.p_malignant then 'BENIGN'
            when p.p_indeterminate >= p.p_malignant then 'INDETERMINATE'
            else 'MALIGNANT' end as predicted_group,
       p.flagged_for_review, p.predicted_at, d.bethesda, d.version as diagnosis_version,
       (select l.reason from dead_letters l
        where l.hospital_id = c.hospital_id and l.case_id = c.case_id and l.redriven_at is null
          and not exists (select 1 from explanations e where e.image_id = l.image_id and e.recorded_at > l.recorded_at)
        order by l.occurred_at desc limit 1) as not_processed
from cases c
     left join case_predictions p on p.hospital_id = c.hospital_id and p.case_id = c.case_id
     left join latest_diagnoses d on d.hospital_id = c.hospital_id and d.case_id = c.case_id;
