import { z } from 'zod';
import { TEXT_LIMITS, tooLong } from '../../db/text-limits.js';

/** A district name in command text (`subscribe Leeds`, `summary district Leeds`); `empty` is the answer when none is given. */
export const districtName = (empty = 'which district? e.g. `Leeds`') =>
  z
    .string()
    .trim()
    .min(1, empty)
    .max(TEXT_LIMITS.district, tooLong('a district name', 'district'))
    .regex(/^[\p{L}\p{N} .,'&()-]+$/u, "a district name has letters, digits, spaces and . , ' & ( ) - only");
