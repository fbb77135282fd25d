-- Model change control (issue 26, audit.change): the retraining worker's steps (ModelChange on
-- fnab.model-changes), a candidate's shadow predictions (fnab.predictions.shadow), the approvals of
-- the people accountable, and what they decided (ChangeDecision on fnab.model-decisions, through the
-- outbox). All of it is part of the append-only record (V9's trigger; the service's role gets INSERT
-- and SELECT through V9's default privileges).

-- The change ledger: one row per ModelChange event. The worker derives the event id from the request
-- and the step (and epoch), so a step repeated after a restart is the same row, not a second one.
create table model_changes (
    event_id           varchar(36) primary key,
    model_name         varchar(100) not null,     -- the parent's name: the model the job retrains (the event's key)
    request_id         varchar(36) not null,      -- the RetrainingRequested event the job answers
    parent_version     varchar(100) not null,
    parent_sha256      varchar(64) not null,
    candidate_version  varchar(100),              -- once exported
    candidate_sha256   varchar(64),
    step               varchar(20) not null,
    detail             varchar(4000) not null,
    epoch              integer,                   -- TRAINING: epoch k of n, its loss and validation macro-F1
    epochs             integer,
    loss               double precision,
    validation_macro_f1 double precision,
    dataset            jsonb,                     -- RetrainingDataset: manifest sha256, split, unusable entries
    recipe             jsonb,                     -- the plan's recipe, seeds, code version (QUEUED)
    gate               jsonb,                     -- GateReport: plan, its sha256, every criterion with its interval and bound
    occurred_at        timestamptz not null,
    recorded_at        timestamptz not null default now()
);
create index model_changes_by_model on model_changes (model_name, occurred_at);
create index model_changes_by_request on model_changes (request_id, occurred_at);
create index model_changes_by_candidate on model_changes (model_name, candidate_version) where candidate_version is not null;

-- A candidate's predictions in shadow, beside the live model's. Never a result: a table of their own,
-- which no case view, worklist, metric, sample or drift figure reads.
create table shadow_predictions (
    event_id         varchar(36) primary key,
    image_id         varchar(36) not null,
    case_id          varchar(64) not null,
    hospital_id      varchar(64) not null,
    model_name       varchar(100) not null,
    model_version    varchar(100) not null,
    model_sha256     varchar(64) not null,
    predicted_group  varchar(20),                 -- null when the candidate did not assess the image
    p_benign         double precision not null,
    p_indeterminate  double precision not null,
    p_malignant      double precision not null,
    assessable       boolean,                     -- null: the event carried no verdict (PredictionMade 1.1)
    predicted_at     timestamptz not null,
    recorded_at      timestamptz not null default now(),
    constraint shadow_once_per_image_and_version unique (image_id, model_name, model_version)
);
create index shadow_predictions_by_version on shadow_predictions (model_name, model_version, hospital_id);

-- Approvals of a candidate, by the token's identity: one per role (an ML engineer's and a
-- cytopathologist lead's), and one per person (who holds both roles approves as one of them).
create table change_approvals (
    id             bigserial primary key,
    model_name     varchar(100) not null,
    model_version  varchar(100) not null,
    role           varchar(64) not null,
    subject        varchar(100) not null,
    username       varchar(100) not null,
    note           varchar(2000) not null,
    approved_at    timestamptz not null,
    recorded_at    timestamptz not null default now(),
    constraint one_approval_per_role unique (model_name, model_version, role),
    constraint one_approval_per_person unique (model_name, model_version, subject)
);

-- What was decided, each published as a ChangeDecision (its event id) through the outbox in the
-- same transaction. A candidate is released once.
create table change_decisions (
    event_id       varchar(36) primary key,
    model_name     varchar(100) not null,
    kind           varchar(8) not null check (kind in ('RELEASE', 'ROLLBACK')),
    model_version  varchar(100) not null,      -- RELEASE: the candidate; ROLLBACK: the version to go back to
    request_id     varchar(36),
    decided_at     timestamptz not null,
    decided_by     varchar(100) not null,      -- the login name of who made it (the second approver, or who asked to roll back)
    decided_by_subject varchar(100) not null,
    note           varchar(2000) not null,
    recorded_at    timestamptz not null default now()
);
create unique index one_release_per_candidate on change_decisions (model_name, model_version) where kind = 'RELEASE';
create index change_decisions_by_model on change_decisions (model_name, decided_at);

do $$
declare
    record_table text;
begin
    foreach record_table in array array['model_changes', 'shadow_predictions', 'change_approvals', 'change_decisions'] loop
        execute format('create trigger append_only before update or delete on %I for each row execute function refuse_record_change()',
                record_table);
        execute format('create trigger append_only_truncate before truncate on %I for each statement execute function refuse_record_change()',
                record_table);
    end loop;
end $$;
