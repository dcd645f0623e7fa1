import { z } from 'zod';

/** A district name in command text (`subscribe Leeds`, `summary district Leeds`); `empty` is the answer when none is given. */
export const districtName = (empty = 'which district? e.g. `Leeds`') =>
  z
    .string()
    .trim()
    .min(1, empty)
    .max(100, 'a district name is at most 100 characters')
    .regex(/^[\p{L}\p{N} .,'&()-]+$/u, "a district name has letters, digits, spaces and . , ' & ( ) - only");
