-- The record at national scale (issue 27, docs/audit-at-scale.md): the audit's reads go by index
-- instead of reading every prediction. Ten million predictions took seconds per call without them.

-- A model version's predictions in time: drift's window, which version is live (LiveModels) and
-- since when, the metrics of a model version over a period.
create index predictions_by_version on predictions (model_name, model_version, predicted_at);

-- A hospital's predictions in time: metrics of a hospital and a month, the listing of predictions.
create index predictions_by_hospital on predictions (hospital_id, predicted_at);

-- Every hospital's predictions in a period (an auditor of many hospitals, no model named).
create index predictions_by_time on predictions (predicted_at);

-- A hospital's images newest first: the worklist's order (a case is received when its first image is).
create index images_by_hospital_received on images (hospital_id, received_at);
