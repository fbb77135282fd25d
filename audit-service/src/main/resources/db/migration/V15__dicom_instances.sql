-- An image that came as a DICOM instance (ingest's STOW-RS, ImageReceived 1.1 `dicom`) keeps where it
-- lives in the hospital's PACS, so a result can be tied back to its study. Null for other sources.
alter table images
    add column study_instance_uid  varchar(64),
    add column series_instance_uid varchar(64),
    add column sop_instance_uid    varchar(64),
    add column sop_class_uid       varchar(64),
    add constraint images_dicom_whole check (
        (study_instance_uid is null and series_instance_uid is null and sop_instance_uid is null and sop_class_uid is null)
        or (study_instance_uid is not null and series_instance_uid is not null and sop_instance_uid is not null and sop_class_uid is not null));
