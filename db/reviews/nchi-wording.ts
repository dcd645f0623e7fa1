// The NCHI terms (docs/domain.md "Occurrences", NCHI Code of Practice 2023): an NCHI has a
// complainant and a subject, not a victim and a suspect, and no crime. One rule for every text
// shown for an NCHI (checklist labels, schedule rows, endorsement).

/**
 * NCHI wording of a text written with crime terms (a checklist label without an NCHI label, a
 * review title, a label saved before): a complainant and a subject, no crime (docs/domain.md "Occurrences").
 */
export function nchiWording(text: string): string {
  return text
    .replace(/Victims' Code/g, 'Complainant support')
    .replace(/\bvictim support\b/gi, 'support service')
    .replace(/\bvictims\b/gi, (w) => (w[0] === 'V' ? 'Complainants' : 'complainants'))
    .replace(/\bvictim\b/gi, (w) => (w[0] === 'V' ? 'Complainant' : 'complainant'))
    .replace(/\b(suspect|offender)s\b/gi, (w) => (w[0] === w[0]!.toUpperCase() ? 'Subjects' : 'subjects'))
    .replace(/\b(suspect|offender)\b/gi, (w) => (w[0] === w[0]!.toUpperCase() ? 'Subject' : 'subject'))
    .replace(/\bcrimes?\b/gi, 'incident');
}
