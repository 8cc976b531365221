-- Victim exposures (contract section 5): a callee connected > 60 s with a
-- flagged origin. One row per (alert_id, call_id, victim_number).
CREATE TABLE IF NOT EXISTS victim_exposures
(
    victim_number String,
    entity_type   String,
    entity        String,
    alert_id      String,
    call_id       String,
    ts            UInt64,
    duration_ms   UInt32,
    event_date    Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at   DateTime DEFAULT now()
)
ENGINE = ReplacingMergeTree(inserted_at)
PARTITION BY toYYYYMM(event_date)
ORDER BY (alert_id, call_id, victim_number);
