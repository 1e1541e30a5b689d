import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface AuditEntry {
  at: number;
  action: string;
  target: string;
  detail: string;
  ok: boolean;
}

/** Every admin action, allowed or refused, one row each (docs/OPERATIONS.md, "Admin API"). */
export class AdminAudit {
  constructor(private readonly db: Kysely<Database>) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.insertInto('admin_audit').values({ id: randomUUID(), at: entry.at, action: entry.action, target: entry.target, detail: entry.detail, ok: entry.ok ? 1 : 0 }).execute();
  }

  async recent(limit: number): Promise<AuditEntry[]> {
    const rows = await this.db.selectFrom('admin_audit').selectAll().orderBy('at', 'desc').limit(limit).execute();
    return rows.map((r) => ({ at: r.at, action: r.action, target: r.target, detail: r.detail, ok: r.ok === 1 }));
  }
}
