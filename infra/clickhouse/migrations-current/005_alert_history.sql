-- Every version of every alert on a current ClickHouse (meanings: migrations/005). In the cluster
-- variant the view reads each shard's alerts_local and is sharded like it (by alert_id).
CREATE MATERIALIZED VIEW IF NOT EXISTS alert_history{{local}}{{on_cluster}}
ENGINE = {{engine ReplacingMergeTree()}}
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
    inserted_at,
    time
FROM alerts{{local}};
{{distributed alert_history cityHash64(alert_id)}};
