-- Fraud alerts (contract section 4), one row per alert_id. Writers insert the
-- same alert again (updates, escalations, replays, restarts): ReplacingMergeTree
-- keeps the row with the highest `version` (severity rank, then window_end: an
-- alert only ever escalates and moves forward, so the newest state wins even
-- when several versions arrive in the same second); read with FINAL.
-- event_date is derived by the writer from ts (ms); the DEFAULT only applies
-- to INSERTs with an explicit column list that omits it.
-- Portable SQL: runs on ClickHouse 18.16 and modern ClickHouse.
CREATE TABLE IF NOT EXISTS alerts
(
    alert_id     String,
    rule_id      String,
    severity     Enum8('LOW' = 1, 'MEDIUM' = 2, 'HIGH' = 3, 'CRITICAL' = 4),
    entity_type  String,
    entity       String,
    window_start UInt64,
    window_end   UInt64,
    ts           UInt64,
    value        Float64,
    threshold    Float64,
    summary      String,
    evidence     Array(String),
    event_date   Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at  DateTime DEFAULT now(),
    version      UInt64
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(event_date)
ORDER BY (alert_id);
