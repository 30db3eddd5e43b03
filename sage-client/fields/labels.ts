/**
 * Readable labels for Sage's camelCase names, as n8n's panels show fields:
 * `soldToCustomer` -> "Sold To Customer", `_createStamp` -> "Create Stamp", `_id` -> "ID".
 * The Sage name stays the field's id everywhere; the label is only what people read.
 */
const WORDS: Record<string, string> = {
	id: 'ID',
	url: 'URL',
	vat: 'VAT',
	ean: 'EAN',
	iban: 'IBAN',
};

export function labelOf(name: string): string {
	const words = name
		.replace(/^_+/, '')
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
		.split(/[\s_]+/)
		.filter(Boolean);
	if (!words.length) return name;
	return words
		.map((word) => WORDS[word.toLowerCase()] ?? word[0].toUpperCase() + word.slice(1))
		.join(' ');
}
