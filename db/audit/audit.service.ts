import type { Db } from '../schema.js';

/** One append-only audit entry (DPA 2018 s62: who, when, what, and for disclosures why). */
export interface AuditEntry {
  /** `user:<uuid>`, `teams:<id>`, `system:<component>` or `ingest:<key-label>`. */
  actor: string;
  /** Dotted verb such as `occurrence.created`, `review.submitted`, `card.disclosed`. */
  action: string;
  entityType: string;
  entityId: string;
  details?: Record<string, unknown>;
}

/** Appends entries to the audit log in the caller's transaction; the table refuses updates and deletes. */
export async function recordAudit(db: Db, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      entries.map((e) => ({
        actor: e.actor,
        action: e.action,
        entity_type: e.entityType,
        entity_id: e.entityId,
        details: JSON.stringify(e.details ?? {}),
      })),
    )
    .execute();
}

/** An audit entry as read back, newest last. */
export interface AuditRecord extends Required<AuditEntry> {
  id: string;
  at: Date;
}

/** Reads the audit trail of one entity (or every entity of a type when entityId is omitted), oldest first. */
export async function listAudit(db: Db, entityType: string, entityId?: string): Promise<AuditRecord[]> {
  let q = db.selectFrom('audit_log').selectAll().where('entity_type', '=', entityType);
  if (entityId !== undefined) q = q.where('entity_id', '=', entityId);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => ({
    id: String(r.id),
    at: r.at,
    actor: r.actor,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    details: (r.details ?? {}) as Record<string, unknown>,
  }));
}
