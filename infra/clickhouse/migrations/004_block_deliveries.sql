-- The blocker's hook deliveries: one row per (action, target), what each webhook target answered.
-- Complements block_audit (one row per decision): block_audit says what was decided and whether it
-- got through; this table says which receiver got it, after how many tries, with which status.
-- idempotency_key is the X-Telfraud-Idempotency-Key sent; result is 'delivered' or 'dead_lettered';
-- status is the last HTTP status (0 = no response); ts is ms since the epoch.
CREATE TABLE IF NOT EXISTS block_deliveries
(
    delivery_id     String,
    ts              UInt64,
    decision_id     String,
    idempotency_key String,
    action          String,
    entity_type     String,
    entity          String,
    target          String,
    result          String,
    attempts        UInt32,
    status          UInt16,
    error           String,
    duration_ms     UInt64,
    event_date      Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at     DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(event_date)
ORDER BY (delivery_id);
