import type { AuditEntry } from '../audit/audit.service.js';
import { erasureReason, type RetentionPeriods, type RetentionRecordType } from './retention.policy.js';

/** The audit actor of every erasure (DPA 2018 s62: erasure is logged like any other change). */
export const RETENTION_ACTOR = 'job:retention';

/**
 * One erasure's audit entry: `record.erased` by `job:retention` on the entity, with the record
 * type, the reason, the period and its setting, and what `details` add (never the erased data).
 */
export function erasureEntry(
  type: RetentionRecordType,
  periods: RetentionPeriods,
  entity: { type: 'occurrence' | 'conversation'; id: string },
  details: Record<string, unknown>,
): AuditEntry {
  return {
    actor: RETENTION_ACTOR,
    action: 'record.erased',
    entityType: entity.type,
    entityId: entity.id,
    details: { recordType: type, ...erasureReason(type, periods), ...details },
  };
}
