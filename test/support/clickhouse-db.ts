import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { ROOT } from './stack.js';

/** A fresh ClickHouse database migrated by the project's own migrations, dropped by `drop()`. */
export class TestDatabase {
  private constructor(readonly name: string, readonly client: ClickHouseClient) {}

  static create(url: string, name: string): TestDatabase {
    const migrated = spawnSync('bash', [path.join(ROOT, 'infra/clickhouse/migrate.sh')], {
      env: { ...process.env, CLICKHOUSE_URL: url, CLICKHOUSE_DATABASE: name }, encoding: 'utf8',
    });
    if (migrated.status !== 0) throw new Error(`migrate.sh failed for ${name}: ${migrated.stderr}`);
    return new TestDatabase(name, createClient({ url }));
  }

  async rows<T = Record<string, unknown>>(query: string): Promise<T[]> {
    const result = await this.client.query({ query, format: 'JSONEachRow' });
    return result.json<T>();
  }

  async drop(): Promise<void> {
    await this.client.command({ query: `DROP DATABASE IF EXISTS ${this.name}` });
    await this.client.close();
  }
}
