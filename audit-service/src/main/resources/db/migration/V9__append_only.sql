-- An append-only record (issue 23). What audit-service writes to the record it never changes: a
-- status change is a new row (a disagreement's status is that of its latest review, a dead letter's
-- re-drive a row of its own), every row carries the server's recorded_at, and a trigger refuses
-- UPDATE, DELETE and TRUNCATE on every table of the record, to its owner too, except through
-- amend_record(reason, statement), which logs each amendment in the amendments table first
-- (docs/runbook.md, "Amending the record"). The service itself connects as ${serviceRole}, which may
-- only insert and read the record; only the outbox, a transport table, is updated and purged by it.

drop view worklist;
drop view latest_diagnoses;

-- A re-drive is a row of its own, not columns changed on the dead letter.
create table redrives (
    dead_letter_event_id  varchar(36) primary key references dead_letters (event_id),
    redrive_event_id      varchar(36) not null,
    redriven_by           varchar(100) not null,
    redriven_by_subject   varchar(255),
    redriven_at           timestamptz not null,
    recorded_at           timestamptz not null default now()
);
insert into redrives (dead_letter_event_id, redrive_event_id, redriven_by, redriven_by_subject, redriven_at, recorded_at)
select event_id, redrive_event_id, redriven_by, redriven_by_subject, redriven_at, redriven_at from dead_letters where redriven_at is not null;
alter table dead_letters drop column redriven_at, drop column redriven_by, drop column redriven_by_subject, drop column redrive_event_id;

-- A disagreement's status is its latest review's (OPEN before the first): no column to change.
alter table disagreements drop column status, drop column updated_at;

-- Every row says when the record took it, by the database's clock. A diagnosis keeps its own time
-- (when it was made, as its sender says) apart, as diagnosed_at. Rows from before take the time
-- they carried.
alter table diagnoses rename column recorded_at to diagnosed_at;
alter table diagnoses add column recorded_at timestamptz;
update diagnoses set recorded_at = diagnosed_at;
alter table diagnoses alter column recorded_at set not null, alter column recorded_at set default now();
alter table cases add column recorded_at timestamptz;
update cases set recorded_at = first_seen_at;
alter table cases alter column recorded_at set not null, alter column recorded_at set default now();
alter table disagreements add column recorded_at timestamptz;
update disagreements set recorded_at = opened_at;
alter table disagreements alter column recorded_at set not null, alter column recorded_at set default now();
alter table disagreement_reviews add column recorded_at timestamptz;
update disagreement_reviews set recorded_at = reviewed_at;
alter table disagreement_reviews alter column recorded_at set not null, alter column recorded_at set default now();
alter table audit_samples add column recorded_at timestamptz;
update audit_samples set recorded_at = drawn_at;
alter table audit_samples alter column recorded_at set not null, alter column recorded_at set default now();
alter table audit_sample_cases add column recorded_at timestamptz not null default now();
alter table retraining_requests add column recorded_at timestamptz;
update retraining_requests set recorded_at = requested_at;
alter table retraining_requests alter column recorded_at set not null, alter column recorded_at set default now();

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
        where l.hospital_id = c.hospital_id and l.case_id = c.case_id
          and not exists (select 1 from redrives r where r.dead_letter_event_id = l.event_id)
          and not exists (select 1 from explanations e where e.image_id = l.image_id and e.recorded_at > l.recorded_at)
        order by l.occurred_at desc limit 1) as not_processed
from cases c
     left join case_predictions p on p.hospital_id = c.hospital_id and p.case_id = c.case_id
     left join latest_diagnoses d on d.hospital_id = c.hospital_id and d.case_id = c.case_id;

-- Amendments: the one way to change the record, each logged before it is made.
create table amendments (
    id          bigserial primary key,
    amended_at  timestamptz not null default clock_timestamp(),
    amended_by  name not null default session_user,
    reason      text not null,
    statement   text not null
);

create function refuse_record_change() returns trigger language plpgsql as $$
begin
    if current_setting('cytotriage.amendment', true) is distinct from 'logged' then
        raise exception 'the audit record is append-only: % on % is refused', tg_op, tg_table_name
            using errcode = '42501',
                  hint = 'a correction is a new row; an amendment goes through call amend_record(reason, statement), which logs it (docs/runbook.md)';
    end if;
    return case when tg_op = 'DELETE' then old else new end;
end $$;

create procedure amend_record(reason text, statement text) language plpgsql as $$
begin
    if reason is null or length(trim(reason)) < 10 then
        raise exception 'an amendment of the audit record states its reason (10 characters or more)';
    end if;
    insert into amendments (reason, statement) values (reason, statement);
    perform set_config('cytotriage.amendment', 'logged', true);
    execute statement;
    perform set_config('cytotriage.amendment', '', true);
end $$;
revoke execute on procedure amend_record(text, text) from public;

do $$
declare
    record_table text;
begin
    foreach record_table in array array['cases', 'images', 'predictions', 'explanations', 'diagnoses', 'dead_letters', 'redrives',
            'disagreements', 'disagreement_reviews', 'audit_samples', 'audit_sample_cases', 'model_cards', 'retraining_requests',
            'amendments'] loop
        execute format('create trigger append_only before update or delete on %I for each row execute function refuse_record_change()',
                record_table);
        execute format('create trigger append_only_truncate before truncate on %I for each statement execute function refuse_record_change()',
                record_table);
    end loop;
end $$;

-- The service's own role: read and append the record, work the outbox. Created by whoever runs the
-- database (docs/runbook.md); a database without it (a developer's) keeps the owner's rights only.
do $$
begin
    if '${serviceRole}' <> current_user and exists (select from pg_roles where rolname = '${serviceRole}') then
        execute format('revoke all on all tables in schema public from %I', '${serviceRole}');
        execute format('grant select, insert on all tables in schema public to %I', '${serviceRole}');
        execute format('grant update, delete on outbox to %I', '${serviceRole}');
        execute format('revoke all on flyway_schema_history from %I', '${serviceRole}');
        execute format('grant usage on all sequences in schema public to %I', '${serviceRole}');
        execute format('alter default privileges in schema public grant select, insert on tables to %I', '${serviceRole}');
        execute format('alter default privileges in schema public grant usage on sequences to %I', '${serviceRole}');
    end if;
end $$;
