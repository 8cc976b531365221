-- Audit trail of the blocker's decisions, one row per decision_id.
-- expires_at is ms since the epoch (0 = no expiry); dry_run is 0 or 1.
CREATE TABLE IF NOT EXISTS block_audit
(
    decision_id String,
    ts          UInt64,
    action      String,
    result      String,
    reason      String,
    rule_id     String,
    alert_id    String,
    entity_type String,
    entity      String,
    expires_at  UInt64,
    dry_run     UInt8,
    event_date  Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(event_date)
ORDER BY (decision_id);
