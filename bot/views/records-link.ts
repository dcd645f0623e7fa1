/**
 * The records system's address of one occurrence: RMS_URL_TEMPLATE with `{reference}` replaced by the
 * URL-encoded reference (`13/204518/26` -> `13%2F204518%2F26`; also `( ) ! ' *`, so the address is safe
 * inside a Markdown link), or null when no template is set.
 */
export function recordsUrl(template: string | null, reference: string): string | null {
  if (!template) return null;
  const encoded = encodeURIComponent(reference).replace(/[()!'*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return template.replaceAll('{reference}', encoded);
}
