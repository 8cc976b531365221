-- Per-minute call activity per origin, written by the alert-sink's activity writer
-- from the call-events topic: attempts = START events, answered = ANSWER events, per
-- (entity_type, entity, minute). entity_type is a call-event field name
-- (ingress_trunk, calling_number), as in alerts; minute is ms since the epoch at the
-- start of the minute (event time). The writer inserts partial counts every flush;
-- SummingMergeTree adds rows with the same key when parts merge, so read with sum():
--   SELECT minute, sum(attempts), sum(answered) FROM origin_activity
--   WHERE entity_type = .. AND entity = .. AND minute BETWEEN .. AND ..
--   GROUP BY minute ORDER BY minute
-- A chart aid, not evidence: a writer crash between an insert and its offset commit
-- counts those events twice (README, "origin_activity").
-- Portable SQL: runs on ClickHouse 18.16 and modern ClickHouse.
CREATE TABLE IF NOT EXISTS origin_activity
(
    entity_type String,
    entity      String,
    minute      UInt64,
    attempts    UInt64,
    answered    UInt64,
    event_date  Date DEFAULT toDate(toDateTime(intDiv(minute, 1000)))
)
ENGINE = SummingMergeTree((attempts, answered))
PARTITION BY toYYYYMM(event_date)
ORDER BY (entity_type, entity, minute);
