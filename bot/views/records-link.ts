/**
 * The records system's address of one occurrence: RMS_URL_TEMPLATE with `{reference}` replaced by the
 * URL-encoded reference (`13/204518/26` -> `13%2F204518%2F26`), or null when no template is set.
 */
export function recordsUrl(template: string | null, reference: string): string | null {
  return template ? template.replaceAll('{reference}', encodeURIComponent(reference)) : null;
}
