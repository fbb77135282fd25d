-- The case file: what was received, predicted and explained. Unique keys make every consumer
-- idempotent: a redelivered event finds its row already there and adds nothing.

create table cases (
    case_id       varchar(64) primary key,
    hospital_id   varchar(64) not null,
    first_seen_at timestamptz not null default now()
);

create table images (
    image_id          varchar(36) primary key,
    event_id          varchar(36) not null unique,
    case_id           varchar(64) not null references cases (case_id),
    hospital_id       varchar(64) not null,
    store_key         varchar(200) not null,
    sha256            varchar(64) not null,
    media_type        varchar(40) not null,
    size_bytes        bigint not null,
    width             integer not null,
    height            integer not null,
    original_filename varchar(255),
    source            varchar(20) not null,
    received_at       timestamptz not null,
    recorded_at       timestamptz not null default now()
);

create table predictions (
    id                 bigserial primary key,
    event_id           varchar(36) not null unique,
    image_id           varchar(36) not null,
    case_id            varchar(64) not null references cases (case_id),
    hospital_id        varchar(64) not null,
    model_name         varchar(100) not null,
    model_version      varchar(100) not null,
    model_sha256       varchar(64) not null,
    predicted_group    varchar(20) not null,
    p_benign           double precision not null,
    p_indeterminate    double precision not null,
    p_malignant        double precision not null,
    temperature        double precision not null,
    flagged_for_review boolean not null,
    inference_ms       double precision not null,
    predicted_at       timestamptz not null,
    recorded_at        timestamptz not null default now(),
    constraint one_prediction_per_image_and_model unique (image_id, model_name, model_version)
);
create index predictions_case on predictions (case_id);

create table explanations (
    id                  bigserial primary key,
    event_id            varchar(36) not null unique,
    prediction_event_id varchar(36) not null,
    image_id            varchar(36) not null,
    case_id             varchar(64) not null references cases (case_id),
    model_name          varchar(100) not null,
    model_version       varchar(100) not null,
    model_sha256        varchar(64) not null,
    explained_group     varchar(20) not null,
    method              varchar(40) not null,
    heatmap_rows        integer not null,
    heatmap_cols        integer not null,
    heatmap             real[] not null,
    overlay_key         varchar(200),
    explained_at        timestamptz not null,
    recorded_at         timestamptz not null default now(),
    constraint one_explanation_per_image_model_and_group unique (image_id, model_name, model_version, explained_group)
);
create index explanations_case on explanations (case_id);
