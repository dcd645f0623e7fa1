/**
 * The one table of text limits (characters, after trimming): every place a person or a file
 * gives text checks it against this table, so the plan CSV, the commands, the card forms
 * (`maxLength` and their submit schemas) and the services agree. Imported by db/, cards/ and
 * bot/ alike: a pure table with no imports, the one db/ file besides db/time/london-time.ts
 * that cards/ may import (lint, docs/architecture.md). Display cuts (`clip` on a card) are layout, not limits,
 * and stay with the cards.
 */
export const TEXT_LIMITS = {
  /** What an action asks to be done: `assign`, the assign form, the plan CSV's `action`. */
  actionText: 1000,
  /** One update on an action: `action REF update`, the card's Update box, the plan CSV's `update`. */
  actionUpdate: 4000,
  /** The plan heading an action sits under: the assign form, the plan CSV's `objective`. */
  objective: 500,
  /** An agency holding an action (`agency`, the form, the CSV's `owner`). */
  agency: 100,
  /** A person's name typed to look them up (`assign … to NAME`, `actions owner NAME`). */
  personName: 100,
  /** The assign form's "or their UPN / e-mail" box. */
  personTyped: 200,
  /** An action's ref as typed on the form (normaliseRef keeps 1 to 20 characters). */
  ref: 20,
  /** A pillar or a due date typed on the form (read by the pillar list and the date grammar). */
  formWord: 40,
  /** A note on a review answer or a prompt. */
  reviewNote: 1000,
  /** The support service a victim-support referral went to. */
  serviceName: 200,
  /** Why a prompt does not apply. */
  notApplicableReason: 1000,
  /** A review's risk rationale. */
  riskRationale: 2000,
  /** A summary period phrase. */
  period: 60,
  /** A district name. */
  district: 100,
} as const;

export type TextLimit = keyof typeof TEXT_LIMITS;

/** "at most 4,000 characters" */
export const atMost = (limit: TextLimit): string => `at most ${TEXT_LIMITS[limit].toLocaleString('en-GB')} characters`;

/** "an update is at most 4,000 characters": the one wording of a text over its limit. */
export const tooLong = (what: string, limit: TextLimit): string => `${what} is ${atMost(limit)}`;
