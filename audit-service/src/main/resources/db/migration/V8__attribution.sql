-- Attributable actions (issue 23): who recorded a diagnosis, reviewed a disagreement, drew a sample or
-- re-drove a dead letter is the signed-in account, kept as its login name (the existing *_by columns)
-- and its subject id at the identity provider, which stays when a login name changes. Rows written
-- before sign-in existed keep the name they were given and no subject.
alter table diagnoses add column recorded_by_subject varchar(255);
alter table disagreement_reviews add column reviewer_subject varchar(255);
alter table audit_samples add column drawn_by varchar(100);
alter table audit_samples add column drawn_by_subject varchar(255);
alter table dead_letters add column redriven_by_subject varchar(255);
