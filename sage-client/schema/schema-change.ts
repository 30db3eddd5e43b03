import type { GraphQLErrorEntry } from '../transport/graphql';

/**
 * Sage ships a release a month without a versioned endpoint (sage-api.md): a document built
 * from a schema loaded before the release can name a field, type or argument that is gone.
 * Sage then refuses it as a whole, before running anything, with GraphQL's validation
 * messages; these patterns recognise them.
 */
const SCHEMA_CHANGE = [
	/^Cannot query field "[^"]+" on type "[^"]+"/,
	/^Unknown type "[^"]+"/,
	/^Unknown argument "[^"]+" on field "[^"]+"/,
	/^Field "[^"]+" is not defined by type "[^"]+"/,
	/^Value "[^"]+" does not exist in "[^"]+" enum/,
	/^Variable "\$[^"]+" of type "[^"]+" used in position expecting type "[^"]+"/,
	/^Field "[^"]+" must not have a selection since type "[^"]+" has no subfields/,
	/^Field "[^"]+" of type "[^"]+" must have a selection of subfields/,
];

/** Whether Sage refused the whole document because it names what its schema no longer has. */
export function isSchemaChange(errors: readonly GraphQLErrorEntry[]): boolean {
	return (
		errors.length > 0 &&
		errors.every(
			(entry) =>
				!entry.path?.length && SCHEMA_CHANGE.some((pattern) => pattern.test(String(entry.message))),
		)
	);
}

/** The candidate nearest to `name` (edit distance, case-insensitive; a shared word counts double), if any is near enough. */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
	const wanted = name.toLowerCase();
	const words = new Set(splitWords(name));
	let best: { candidate: string; score: number } | undefined;
	for (const candidate of candidates) {
		const distance = editDistance(wanted, candidate.toLowerCase());
		const shared = splitWords(candidate).filter((word) => words.has(word)).length;
		const score = distance - 2 * shared * Math.min(4, wanted.length / 3);
		if (!best || score < best.score) best = { candidate, score };
	}
	return best && best.score <= Math.max(3, wanted.length * 0.7) ? best.candidate : undefined;
}

/** `longDescriptionText` -> ['long', 'description', 'text']. */
function splitWords(name: string): string[] {
	return name
		.replace(/([a-z0-9])([A-Z])/g, '$1 $2')
		.toLowerCase()
		.split(/[\s_]+/)
		.filter((word) => word.length > 2);
}

function editDistance(a: string, b: string): number {
	let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		const current = [i];
		for (let j = 1; j <= b.length; j++) {
			current[j] = Math.min(
				previous[j] + 1,
				current[j - 1] + 1,
				previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
			);
		}
		previous = current;
	}
	return previous[b.length];
}
