-- Who exported or changed what through the SOC service: one row per victims or verdicts export
-- and per block lift (append-only). action: 'export_victims', 'export_verdicts', 'lift_block';
-- target: the alert id, campaign alert id or 'entity_type:entity' acted on; format: 'csv',
-- 'ndjson' or '' ; rows: rows handed out; detail: JSON with the rest (filters, the blocker's answer).
-- ts is ms since the epoch.
-- Portable SQL: runs on ClickHouse 18.16 and modern ClickHouse.
CREATE TABLE IF NOT EXISTS soc_audit
(
    event_id    String,
    ts          UInt64,
    actor       String,
    role        String,
    action      String,
    target      String,
    format      String,
    rows        UInt64,
    detail      String,
    event_date  Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at DateTime DEFAULT now()
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(event_date)
ORDER BY (ts, event_id);
