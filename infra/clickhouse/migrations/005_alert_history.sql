-- Every version of every alert ever written: the escalation history that `alerts`
-- (ReplacingMergeTree(version), read with FINAL) forgets when its parts merge.
-- A materialized view sees each INSERT block into `alerts` before any merge, so it
-- keeps LOW -> MEDIUM -> HIGH -> CRITICAL as separate rows. Its own engine keys on
-- (alert_id, version): the same version written again (replays, restarts, retried
-- inserts) collapses to one row; read with FINAL:
--   SELECT ... FROM alert_history FINAL WHERE alert_id = X ORDER BY version
-- Evidence is not copied (the current evidence is in `alerts`).
-- Only alerts inserted after this view exists are recorded (no POPULATE: it would
-- miss rows inserted while it runs and cannot be made idempotent).
-- Portable SQL: runs on ClickHouse 18.16 and modern ClickHouse.
CREATE MATERIALIZED VIEW IF NOT EXISTS alert_history
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMM(event_date)
ORDER BY (alert_id, version)
AS SELECT
    alert_id,
    version,
    rule_id,
    severity,
    entity_type,
    entity,
    window_start,
    window_end,
    ts,
    value,
    threshold,
    summary,
    event_date,
    inserted_at
FROM alerts;
