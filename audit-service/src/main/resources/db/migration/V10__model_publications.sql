-- Who released what (issue 24): every model publication audit-service sees, taken or refused, with
-- the key that signed it (when its release verified) and why it was refused. Part of the append-only
-- record: inserted once per publication event, never changed (V9's trigger; the service's role gets
-- INSERT and SELECT through V9's default privileges).
create table model_publications (
    event_id       varchar(36) primary key,
    model_name     varchar(100) not null,
    model_version  varchar(100) not null,
    model_sha256   varchar(64) not null,
    location       varchar(500) not null,
    approved_by    varchar(100) not null,
    published_at   timestamptz not null,
    signer_key_id  varchar(16),
    outcome        varchar(8) not null check (outcome in ('TAKEN', 'REFUSED')),
    reason         varchar(4000),
    recorded_at    timestamptz not null default now()
);
create index model_publications_by_model on model_publications (model_name, published_at);

create trigger append_only before update or delete on model_publications for each row execute function refuse_record_change();
create trigger append_only_truncate before truncate on model_publications for each statement execute function refuse_record_change();
