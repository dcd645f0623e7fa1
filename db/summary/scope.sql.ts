import { sql, type RawBuilder } from 'kysely';
import type { SummaryScope } from './access.policy.js';

/** Numeric columns come back as strings from pg (int8) and numbers from PGlite. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/**
 * The occurrences a scope may count, as a SQL condition on alias `o`. Districts match
 * case-insensitively (the feed keeps the spelling it was given), served by the expression
 * indexes `occurrences_district_ci_idx` and `occurrences_oic_ci_idx` / `_supervisor_ci_idx`.
 */
export function occurrenceScope(scope: SummaryScope): RawBuilder<boolean> {
  if (scope.kind === 'force') return sql<boolean>`true`;
  if (scope.kind === 'districts') return sql<boolean>`lower(o.district) in (${sql.join([...scope.districts])})`;
  const own = sql<boolean>`(lower(o.oic_upn) = ${scope.upn} or lower(o.supervisor_upn) = ${scope.upn})`;
  return scope.districts ? sql<boolean>`${own} and lower(o.district) in (${sql.join([...scope.districts])})` : own;
}

/** Scheduled reviews (alias `sr`, joined to `o`) a scope may count: for `own`, only those the user owns. */
export function reviewScope(scope: SummaryScope): RawBuilder<boolean> {
  if (scope.kind !== 'own') return occurrenceScope(scope);
  const owner = sql<boolean>`((sr.owner_role = 'oic' and lower(o.oic_upn) = ${scope.upn}) or (sr.owner_role = 'supervisor' and lower(o.supervisor_upn) = ${scope.upn}))`;
  return scope.districts ? sql<boolean>`${owner} and lower(o.district) in (${sql.join([...scope.districts])})` : owner;
}

/** Delivery-plan actions (alias `a`) a scope may count: district actions plus force-wide ones; for `own`, the user's. */
export function actionScope(scope: SummaryScope): RawBuilder<boolean> {
  if (scope.kind === 'force') return sql<boolean>`true`;
  if (scope.kind === 'own') return sql<boolean>`lower(a.owner_upn) = ${scope.upn}`;
  return sql<boolean>`(a.district is null or lower(a.district) in (${sql.join([...scope.districts])}))`;
}
