/** A level of a selection: each field's name and what is selected below it (empty for a leaf). */
type Level = Map<string, Level>;

/**
 * Fields picked from a list, as dotted paths (`name`, `currency.id`, `document.customer._id`),
 * written as the GraphQL selection the documents take (`name currency { id }`). Paths that
 * share a start share its braces, in the order first picked; a path picked twice counts once.
 */
export function selectionOfPaths(paths: readonly string[]): string {
	const root: Level = new Map();
	for (const path of paths) {
		let level = root;
		for (const part of path.split('.').map((piece) => piece.trim())) {
			if (!part) break;
			let next = level.get(part);
			if (!next) level.set(part, (next = new Map()));
			level = next;
		}
	}
	return written(root);
}

function written(level: Level): string {
	return [...level]
		.map(([name, below]) => (below.size ? `${name} { ${written(below)} }` : name))
		.join(' ');
}
