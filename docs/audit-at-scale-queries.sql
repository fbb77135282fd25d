-- worklist, newest 50 of h001 (the worklist view, as Worklist.page asks it)
select case_id, hospital_id, received_at, model_name, model_version, predicted_group, confidence, flagged_for_review, predicted_at, bethesda, diagnosis_version, not_processed, not_assessable_images from worklist where hospital_id in ('h001') order by received_at desc, hospital_id, case_id limit 50 offset 0
;;
-- worklist, the count of h001's page
select count(*) from worklist where hospital_id in ('h001')
;;
-- metrics, a model version over a year: its confirmed cases read by key (ConfirmedCases FILTERED)
with candidates as materialized (
    select distinct c.hospital_id, c.case_id from predictions c where c.assessable is not false and c.predicted_at >= '2024-01-01' and c.predicted_at < '2025-01-01' and c.model_name = 'thyroideffi-basic' and c.model_version = '1.3.0-synthetic'
)
select p.case_id, p.hospital_id, p.model_name, p.model_version, p.predicted_at,
       p.p_benign, p.p_indeterminate, p.p_malignant, p.flagged_for_review, d.bethesda, d.version
from candidates k
cross join lateral (
    select q.case_id, q.hospital_id, q.model_name, q.model_version, min(q.predicted_at) as predicted_at,
           avg(q.p_benign) as p_benign, avg(q.p_indeterminate) as p_indeterminate, avg(q.p_malignant) as p_malignant,
           bool_or(q.flagged_for_review) as flagged_for_review
    from predictions q
    where q.hospital_id = k.hospital_id and q.case_id = k.case_id and q.assessable is not false
    group by q.case_id, q.hospital_id, q.model_name, q.model_version
    order by min(q.predicted_at) limit 1) p
cross join lateral (
    select l.bethesda, l.version from diagnoses l
    where l.hospital_id = k.hospital_id and l.case_id = k.case_id
    order by l.version desc limit 1) d
where p.predicted_at >= '2024-01-01' and p.predicted_at < '2025-01-01' and p.model_name = 'thyroideffi-basic' and p.model_version = '1.3.0-synthetic'
order by p.hospital_id, p.case_id
;;
-- metrics, every hospital, no dates: every confirmed case through the views
select p.case_id, p.hospital_id, p.model_name, p.model_version, p.predicted_at,
       p.p_benign, p.p_indeterminate, p.p_malignant, p.flagged_for_review, d.bethesda, d.version
from case_predictions p join latest_diagnoses d on d.hospital_id = p.hospital_id and d.case_id = p.case_id
order by p.hospital_id, p.case_id
;;
-- metrics, every hospital, no dates: the images assessed and not (AssessedImages)
select count(distinct p.image_id), count(distinct p.image_id) filter (where p.assessable = false)
from predictions p where p.assessable is not null and true
;;
-- drift history, 12 weeks: the predictions counted by day bucket, group and bin (DriftMonitor.recentCounts)
select ceil(extract(epoch from (now() - predicted_at)) / 86400)::int - 1, g,
       (select count(*) from unnest(cast('{0.4,0.5,0.6,0.7,0.8,0.9,0.95,0.99}' as float8[])) e where top > e), count(*)
from (select predicted_at,
             case when p_benign >= p_indeterminate and p_benign >= p_malignant then 0
                  when p_indeterminate >= p_malignant then 1 else 2 end as g,
             greatest(p_benign, p_indeterminate, p_malignant) as top
      from predictions
      where model_name = 'thyroideffi-basic' and model_version = '1.4.0-synthetic' and predicted_at >= now() - interval '107 days' and predicted_at < now()
        and assessable is not false) w
group by 1, 2, 3
;;
-- drift history, 12 weeks: the confirmed cases' confusion by day bucket (ConfirmedCases.confusionByBucket)
select ceil(extract(epoch from (now() - f.predicted_at)) / 86400)::int - 1 as bucket,
       case f.bethesda when 'II' then 0 when 'VI' then 2 else 1 end as truth,
       case when f.p_benign >= f.p_indeterminate and f.p_benign >= f.p_malignant then 0
            when f.p_indeterminate >= f.p_malignant then 1 else 2 end as predicted,
       count(*)
from (
with candidates as materialized (
    select distinct c.hospital_id, c.case_id from predictions c where c.assessable is not false and c.predicted_at >= now() - interval '107 days' and c.predicted_at < now() and c.model_name = 'thyroideffi-basic' and c.model_version = '1.4.0-synthetic'
)
select p.case_id, p.hospital_id, p.model_name, p.model_version, p.predicted_at,
       p.p_benign, p.p_indeterminate, p.p_malignant, p.flagged_for_review, d.bethesda, d.version
from candidates k
cross join lateral (
    select q.case_id, q.hospital_id, q.model_name, q.model_version, min(q.predicted_at) as predicted_at,
           avg(q.p_benign) as p_benign, avg(q.p_indeterminate) as p_indeterminate, avg(q.p_malignant) as p_malignant,
           bool_or(q.flagged_for_review) as flagged_for_review
    from predictions q
    where q.hospital_id = k.hospital_id and q.case_id = k.case_id and q.assessable is not false
    group by q.case_id, q.hospital_id, q.model_name, q.model_version
    order by min(q.predicted_at) limit 1) p
cross join lateral (
    select l.bethesda, l.version from diagnoses l
    where l.hospital_id = k.hospital_id and l.case_id = k.case_id
    order by l.version desc limit 1) d
where p.predicted_at >= now() - interval '107 days' and p.predicted_at < now() and p.model_name = 'thyroideffi-basic' and p.model_version = '1.4.0-synthetic'
) f group by 1, 2, 3
