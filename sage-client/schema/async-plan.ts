import type { IntrospectionType, SelectionSetNode } from 'graphql';

import { fieldOf, namedRef } from './introspection';
import { cap, selectionNeeds, Walk, type SchemaLookup, type SchemaNeeds } from './schema-plans';

/** Start and Wait's need: the operation (`package.node.operation`) and its parsed Result Fields. */
export interface AsyncNeed {
	name: string;
	result?: SelectionSetNode;
}

/**
 * Which types an asynchronous operation's documents need (async-documents.ts): the Mutation
 * root -> package -> node -> operation -> `start` and its answer; the same path under the
 * Query root (and the Mutation root) -> `track` -> its answer -> `result` and what Result
 * Fields select in it. Sage's names for these types are not documented beyond the
 * packages' (`XtremReporting_Mutation`), so each type on the way is loaded with the types
 * of its fields (introspection.ts): a level more per request, three requests in all.
 */
export function planAsyncOperation(need: AsyncNeed, lookup: SchemaLookup): SchemaNeeds {
	const walk = new Walk(lookup);
	const [pkg, node, operation] = need.name.split('.');
	walk.guesses.add(`${cap(pkg)}_Mutation`).add(`${cap(pkg)}_Query`);
	const roots = lookup.roots;
	if (roots && operation) {
		const at = (root: string | undefined): IntrospectionType | undefined =>
			root
				? walk.follow(walk.follow(walk.follow(walk.type(root), pkg), node), operation)
				: undefined;
		const started = at(roots.mutation);
		walk.follow(started, 'start');
		for (const side of [at(roots.query), started]) {
			const result = objectOf(walk, walk.follow(side, 'track'), 'result');
			if (result && need.result) selectionNeeds(result, need.result, new Map(), walk);
		}
	}
	const needs = walk.needs();
	return { ...needs, expand: [...needs.missing, ...needs.guesses] };
}

/** The type a field answers when it is an object (a scalar `result` needs nothing loaded). */
function objectOf(
	walk: Walk,
	type: IntrospectionType | undefined,
	field: string,
): IntrospectionType | undefined {
	const ref = fieldOf(type, field);
	const kind = ref && namedRef(ref.type).kind;
	return kind === 'OBJECT' || kind === 'INTERFACE' ? walk.follow(type, field) : undefined;
}
