-- The trace (W3C trace id) each record arrived in: one upload's image, prediction and explanation
-- share it, so a case can be followed from ingest through inference and explain to here.
alter table images add column trace_id varchar(32);
alter table predictions add column trace_id varchar(32);
alter table explanations add column trace_id varchar(32);
