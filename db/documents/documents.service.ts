import type { Kysely } from 'kysely';
import { canMeetingPack, recordRefusal, type Actor, type Decision } from '../access/access.service.js';
import { recordAudit } from '../audit/audit.service.js';
import { ForbiddenError } from '../errors.js';
import type { Database, Db } from '../schema.js';
import { resolveSummaryScope, scopeKey } from '../summary/summary.service.js';
import { effectiveAccess, userById } from '../users/users.service.js';
import { countDownload, findDocument, insertDocument } from './documents.repository.js';
import type { DocumentAccess } from './documents.table.js';

export type { DocumentAccess } from './documents.table.js';

/** How long a document link works: one hour, as the scrutiny CSV's (db/summary/scrutiny.service.ts EXPORT_TTL_MS). */
export const DOCUMENT_TTL_MS = 60 * 60 * 1000;

/** The media type of a Word (.docx) document. */
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A document's download link and when it stops working. */
export interface DocumentLink {
  id: string;
  url: string;
  expiresAt: Date;
}

/**
 * Stores a generated document behind a one-hour link, in the caller's transaction, and audits it
 * (`document.created`). The link is `<baseUrl>/api/documents/<token>.docx`; the token is its only
 * credential, and the download asks the access rule again for `actor` (see downloadDocument).
 */
export async function storeDocument(
  db: Db,
  doc: { kind: string; filename: string; content: Uint8Array; actor: Pick<Actor, 'label' | 'userId'>; access: DocumentAccess },
  baseUrl: string,
  now: Date,
): Promise<DocumentLink> {
  const expiresAt = new Date(now.getTime() + DOCUMENT_TTL_MS);
  const { id, token } = await insertDocument(db, { ...doc, createdBy: doc.actor.label, userId: doc.actor.userId, expiresAt }, now);
  await recordAudit(db, {
    actor: doc.actor.label,
    action: 'document.created',
    entityType: 'document',
    entityId: id,
    details: { kind: doc.kind, access: doc.access, bytes: doc.content.byteLength, expiresAt: expiresAt.toISOString() },
  });
  return { id, url: `${baseUrl}/api/documents/${token}.docx`, expiresAt };
}

/** The creator as the access rule sees them now (their roster entry today), or null when gone. */
async function creatorNow(db: Db, userId: string | null, localMode: boolean): Promise<Actor | null> {
  if (!userId) return null;
  const user = await userById(db, userId);
  if (!user) return null;
  const access = await effectiveAccess(db, user, localMode);
  return { userId: user.id, name: user.name, upn: user.upn, roles: access.roles, districts: access.districts, label: `user:${user.id}` };
}

/** Whether the creator still holds the right the document needs (the need-to-know rule, asked again). */
function stillAllowed(actor: Actor, access: DocumentAccess): Decision {
  if (access.kind === 'meeting_pack') return canMeetingPack(actor);
  try {
    return scopeKey(resolveSummaryScope(actor, access.district)) === access.scope
      ? { ok: true }
      : { ok: false, why: 'the figures in this report are no longer the ones its requester may see' };
  } catch (e) {
    if (e instanceof ForbiddenError) return { ok: false, why: e.message };
    throw e;
  }
}

/** What a download gets: the file, nothing (unknown or expired link), or a refusal (no data). */
export type DownloadResult =
  { ok: true; filename: string; content: Uint8Array } | { ok: false; reason: 'not_found' } | { ok: false; reason: 'refused'; why: string };

/**
 * Serves a document link (issue 13 item 4). A malformed, unknown or expired token gets
 * `not_found` (the same answer for each, so tokens cannot be probed). Otherwise the access rule is
 * asked again for the person who asked for the document, as the roster stands now: one who has
 * since lost the right gets `refused`, audited as `access_refused`, and no data. A download is
 * counted and audited (`document.downloaded`, with the requester's address and browser).
 * @param localMode the bot runs without Microsoft credentials (the local user's access, db/users)
 */
export async function downloadDocument(
  db: Kysely<Database>,
  token: string,
  requester: { ip: string | null; userAgent: string | null },
  localMode: boolean,
  now: Date,
): Promise<DownloadResult> {
  return db.transaction().execute(async (trx) => {
    const doc = await findDocument(trx, token, now);
    if (!doc) return { ok: false, reason: 'not_found' };
    const actor = await creatorNow(trx, doc.userId, localMode);
    const decision: Decision = actor
      ? stillAllowed(actor, doc.access)
      : { ok: false, why: 'the person who asked for this document is no longer known to the bot' };
    const link = `link:${doc.id}`;
    if (!decision.ok) {
      // The refused party is whoever holds the link; the roles are those its creator holds now.
      await recordRefusal(
        trx,
        { label: link, roles: actor?.roles ?? [], districts: actor?.districts ?? [] },
        { what: 'document.download', why: decision.why, entityType: 'document', entityId: doc.id },
      );
      return { ok: false, reason: 'refused', why: decision.why };
    }
    const downloads = await countDownload(trx, doc.id);
    await recordAudit(trx, {
      actor: link,
      action: 'document.downloaded',
      entityType: 'document',
      entityId: doc.id,
      details: {
        kind: doc.kind,
        download: downloads,
        createdFor: actor?.label ?? null,
        ip: requester.ip,
        userAgent: requester.userAgent?.slice(0, 200) ?? null,
      },
    });
    return { ok: true, filename: doc.filename, content: doc.content };
  });
}
