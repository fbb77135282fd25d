-- Records the services could not process (fnab.deadletter), so the worklist, the case view and an
-- image's status say "not processed: <reason>" instead of waiting forever, and the dashboard lists
-- them. A dead letter is kept as published; a re-drive after a fix is recorded on it, once.
create table dead_letters (
    event_id          varchar(36) primary key,
    occurred_at       timestamptz not null,
    service           varchar(64) not null,
    source_topic      varchar(249) not null,
    source_partition  integer,
    source_offset     bigint,
    source_key        varchar(255),
    source_event_id   varchar(36),
    image_id          varchar(36),
    case_id           varchar(64),
    hospital_id       varchar(64),
    reason            varchar(4000) not null,
    error_class       varchar(255),
    recorded_at       timestamptz not null default now(),
    redriven_at       timestamptz,
    redriven_by       varchar(100),
    redrive_event_id  varchar(36)
);
-- A service that dead-letters the same record twice (a crash before its commit, a replica that
-- re-reads the models topic at start) leaves one row: the record is the fact, not the letter.
create unique index one_dead_letter_per_source_record on dead_letters (service, source_topic, source_partition, source_offset)
    where source_offset is not null;
create index dead_letters_image on dead_letters (image_id);
create index dead_letters_case on dead_letters (case_id);
create index dead_letters_occurred on dead_letters (occurred_at);

-- The worklist says why a case waits: the newest open dead letter of an image of the case that has
-- no explanation yet (an explanation after a re-drive closes it).
create or replace view worklist as
select c.case_id, c.hospital_id,
       coalesce((select min(i.received_at) from images i where i.case_id = c.case_id), p.predicted_at, c.first_seen_at) as received_at,
       p.model_name, p.model_version, p.p_benign, p.p_indeterminate, p.p_malignant,
       greatest(p.p_benign, p.p_indeterminate, p.p_malignant) as confidence,
       case when p.case_id is null then null
            when p.p_benign >= p.p_indeterminate and p.p_benign >= p.p_malignant then 'BENIGN'
            when p.p_indeterminate >= p.p_malignant then 'INDETERMINATE'
            else 'MALIGNANT' end as predicted_group,
       p.flagged_for_review, p.predicted_at, d.bethesda, d.version as diagnosis_version,
       (select l.reason from dead_letters l
        where l.case_id = c.case_id and l.redriven_at is null
          and not exists (select 1 from explanations e where e.image_id = l.image_id and e.recorded_at > l.recorded_at)
        order by l.occurred_at desc limit 1) as not_processed
from cases c
     left join case_predictions p on p.case_id = c.case_id
     left join latest_diagnoses d on d.case_id = c.case_id;
