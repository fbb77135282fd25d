-- Results to the laboratory system (audit.interop.hl7): each HL7 v2.5.1 ORU^R01 is written here in
-- the transaction that recorded the prediction it reports (an outbox of its own: the message and
-- the fact it announces are on record together or not at all), and LisSender sends it over MLLP and
-- records the laboratory system's acknowledgement on its row. A transport table like the outbox:
-- the service's role updates its delivery columns; what was sent (the message) is never changed.
create sequence lis_message_seq;
create table lis_messages (
    control_id       varchar(20) primary key,          -- MSH-10 (at most 20 characters in v2.5.1)
    seq              bigint not null unique,
    hospital_id      varchar(64) not null,
    case_id          varchar(64) not null,
    result_status    char(1) not null check (result_status in ('P', 'C')), -- OBR-25: preliminary, or a correction of the last one
    message          text not null,                    -- ER7, segments ending in CR
    created_at       timestamptz not null default now(),
    available_at     timestamptz not null default now(), -- a message not acknowledged is sent again from then on
    attempts         integer not null default 0,
    last_error       varchar(1000),
    ack_code         varchar(2),                       -- MSA-1: AA accepted, AE application error (kept, not sent again)
    ack_text         varchar(1000),                    -- MSA-3 / ERR: what the laboratory system said
    acknowledged_at  timestamptz
);
create index lis_messages_pending on lis_messages (seq) where acknowledged_at is null;
create index lis_messages_by_case on lis_messages (hospital_id, case_id, seq);

do $$
begin
    if '${serviceRole}' <> current_user and exists (select from pg_roles where rolname = '${serviceRole}') then
        execute format('grant update on lis_messages to %I', '${serviceRole}');
    end if;
end $$;

-- Final diagnoses the laboratory system sent as HL7 v2 (audit.interop.hl7.LisDiagnoses): each
-- message's control id (MSH-10) with the diagnosis it recorded, so that the same message sent again
-- (its acknowledgement lost) is acknowledged without a second diagnosis version. Part of the record.
create table lis_inbound_messages (
    hospital_id         varchar(64) not null,
    control_id          varchar(199) not null,
    diagnosis_event_id  varchar(36) not null,
    received_at         timestamptz not null default now(),
    primary key (hospital_id, control_id)
);
create trigger append_only before update or delete on lis_inbound_messages for each row execute function refuse_record_change();
create trigger append_only_truncate before truncate on lis_inbound_messages for each statement execute function refuse_record_change();
