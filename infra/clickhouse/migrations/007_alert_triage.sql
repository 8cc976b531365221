-- The SOC's triage of alerts, append-only: one row per analyst action (acknowledge, assign,
-- close with a verdict, reopen, comment), each carrying the alert's whole triage state after it,
-- so the latest state of an alert is its row with the greatest (ts, event_id); no row = 'open'.
-- Nothing is updated or deleted: who did what and when stays readable.
-- ts is ms since the epoch (the soc service's clock, kept increasing per alert); actor and role
-- are the token's name and role; verdict is '' until closed ('true_positive', 'false_positive',
-- 'benign'); comment is the text given with that action ('' for none).
-- Portable SQL: runs on ClickHouse 18.16 and modern ClickHouse.
CREATE TABLE IF NOT EXISTS alert_triage
(
    event_id    String,
    alert_id    String,
    ts          UInt64,
    actor       String,
    role        String,
    action      String,
    status      String,
    assignee    String,
    verdict     String,
    comment     String,
    event_date  Date DEFAULT toDate(toDateTime(intDiv(ts, 1000))),
    inserted_at DateTime DEFAULT now()
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(event_date)
ORDER BY (alert_id, ts, event_id);
