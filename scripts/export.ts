/**
 * `npm run export -- <kind> <file>`: writes data out in the formats of contracts.md.
 * Kinds are added by the features that own them (actions: issue 4).
 */
console.error('Usage: npm run export -- actions <file.csv>  (not available yet)');
process.exit(2);
