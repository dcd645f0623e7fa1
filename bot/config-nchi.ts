import { z } from 'zod';
import { NCHI_POLICIES, type NchiPolicy } from '../db/occurrences/occurrences.service.js';
import { ConfigError } from './config-files.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The NCHI settings (README "Settings"): NCHI_POLICY, and NCHI_REVIEW kept as a deprecated alias for existing deployments. */
export const nchiEnvShape = {
  NCHI_POLICY: z
    .enum(NCHI_POLICIES, { errorMap: () => ({ message: `NCHI_POLICY must be one of ${NCHI_POLICIES.join(', ')}` }) })
    .optional(),
  NCHI_REVIEW: bool.optional(),
};

/**
 * The NCHI policy in force: NCHI_POLICY, else NCHI_REVIEW=false as review-off, else code-2023.
 * @throws ConfigError when both are set (which one wins would be a guess)
 */
export function nchiPolicyFrom(e: { NCHI_POLICY?: NchiPolicy | undefined; NCHI_REVIEW?: boolean | undefined }): NchiPolicy {
  if (e.NCHI_POLICY && e.NCHI_REVIEW !== undefined)
    throw new ConfigError(
      'Invalid configuration:\n  NCHI_REVIEW: is replaced by NCHI_POLICY: set only NCHI_POLICY (NCHI_REVIEW=false is NCHI_POLICY=review-off)',
    );
  return e.NCHI_POLICY ?? (e.NCHI_REVIEW === false ? 'review-off' : 'code-2023');
}
