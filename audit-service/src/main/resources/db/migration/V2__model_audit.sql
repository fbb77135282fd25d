-- The model audit: final diagnoses, monthly samples, disagreement review, the models that went
-- live and the retraining they asked for. Unique keys again make every writer idempotent.

-- A cytopathologist's final diagnosis, as given (Bethesda I-VI) and as a treatment group. A
-- correction is the next version of the case's diagnosis; earlier versions stay.
create table diagnoses (
    id               bigserial primary key,
    event_id         varchar(36) not null unique,
    case_id          varchar(64) not null references cases (case_id),
    hospital_id      varchar(64) not null,
    version          integer not null check (version >= 1),
    bethesda         varchar(3) not null check (bethesda in ('I', 'II', 'III', 'IV', 'V', 'VI')),
    treatment_group  varchar(20) not null,
    recorded_by      varchar(100) not null,
    comment          text,
    recorded_at      timestamptz not null,
    constraint one_diagnosis_per_case_and_version unique (case_id, version)
);

-- What the audit compares: each case's prediction (the calibrated probabilities averaged over
-- its images, by the model version that first predicted it) ...
create view case_predictions as
select distinct on (case_id) case_id, hospital_id, model_name, model_version, p_benign, p_indeterminate,
       p_malignant, flagged_for_review, predicted_at, images
from (select case_id, hospital_id, model_name, model_version,
             avg(p_benign) as p_benign, avg(p_indeterminate) as p_indeterminate, avg(p_malignant) as p_malignant,
             bool_or(flagged_for_review) as flagged_for_review, min(predicted_at) as predicted_at, count(*) as images
      from predictions
      group by case_id, hospital_id, model_name, model_version) per_model
order by case_id, predicted_at;

-- ... against its latest final diagnosis.
create view latest_diagnoses as
select distinct on (case_id) case_id, version, bethesda, treatment_group, recorded_by, recorded_at
from diagnoses
order by case_id, version desc;

-- A month's draw for one hospital: the simple random sample (RANDOM) behind the unbiased figures,
-- or the review list enriched for risky cases (ENRICHED), kept apart from them.
create table audit_samples (
    id              bigserial primary key,
    month           varchar(7) not null,
    hospital_id     varchar(64) not null,
    kind            varchar(10) not null check (kind in ('RANDOM', 'ENRICHED')),
    seed            bigint not null,
    requested_size  integer not null,
    eligible_cases  integer not null,
    drawn_at        timestamptz not null,
    constraint one_sample_per_month_hospital_and_kind unique (month, hospital_id, kind)
);

create table audit_sample_cases (
    sample_id  bigint not null references audit_samples (id),
    case_id    varchar(64) not null references cases (case_id),
    position   integer not null,
    primary key (sample_id, case_id)
);

-- A sampled case where the model and the final diagnosis disagree, through review.
create table disagreements (
    id                 bigserial primary key,
    case_id            varchar(64) not null references cases (case_id),
    hospital_id        varchar(64) not null,
    model_name         varchar(100) not null,
    model_version      varchar(100) not null,
    predicted_group    varchar(20) not null,
    diagnosed_group    varchar(20) not null,
    bethesda           varchar(3) not null,
    diagnosis_version  integer not null,
    status             varchar(10) not null check (status in ('OPEN', 'DISCUSSED', 'RESOLVED')),
    opened_at          timestamptz not null,
    updated_at         timestamptz not null,
    constraint one_disagreement_per_case_and_diagnosis unique (case_id, diagnosis_version)
);

create table disagreement_reviews (
    id               bigserial primary key,
    disagreement_id  bigint not null references disagreements (id),
    status           varchar(10) not null,
    reviewer         varchar(100) not null,
    comment          text,
    reviewed_at      timestamptz not null
);

-- The model cards the audit knows (configured directories and every ModelPublished): drift is
-- measured against a card's reference figures. When a version went live is read from its first
-- prediction, not from here.
create table model_cards (
    model_name     varchar(100) not null,
    model_version  varchar(100) not null,
    model_sha256   varchar(64) not null,
    location       varchar(500) not null,
    trained_at     timestamptz,
    card           text not null,
    recorded_at    timestamptz not null default now(),
    primary key (model_name, model_version)
);

-- One request per model version and trigger: replicas and restarts cannot ask twice.
create table retraining_requests (
    event_id       varchar(36) primary key,
    model_name     varchar(100) not null,
    model_version  varchar(100) not null,
    trigger        varchar(12) not null,
    reason         text not null,
    manifest_size  integer not null,
    requested_at   timestamptz not null,
    constraint one_request_per_model_and_trigger unique (model_name, model_version, trigger)
);
