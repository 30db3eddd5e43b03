import type { IntrospectionType } from 'graphql';

import { fieldOf, namedRef } from '../schema/introspection';
import { cap, planRecord, Walk, type SchemaLookup, type SchemaNeeds } from '../schema/schema-plans';

/**
 * The types a record type's field descriptions need, beyond what its documents need: the
 * type of every field (references, enums, collections and their child records, one level
 * down) and the create mutation's input type with its list members (lines). With Sage's
 * naming guessed along, a cold tenant needs two requests: the record type, then what it names.
 */
export function planRecordFields(recordType: string, lookup: SchemaLookup): SchemaNeeds {
	const base = planRecord({ recordType, mutation: true }, lookup);
	const walk = new Walk(lookup);
	const [pkg, node] = recordType.split('.');
	if (node) walk.guesses.add(`${cap(node)}_Input`);
	const roots = lookup.roots;
	if (roots && pkg && node) {
		const nodeQuery = walk.follow(walk.follow(walk.type(roots.query), pkg), node);
		const record = walk.follow(walk.follow(walk.follow(nodeQuery, 'query'), 'edges'), 'node');
		if (record) fieldTypeNeeds(record, walk);
		if (roots.mutation) {
			const nodeMutation = walk.follow(walk.follow(walk.type(roots.mutation), pkg), node);
			const input = createInput(nodeMutation, walk);
			if (input) inputListNeeds(input, walk);
		}
	}
	const own = walk.needs();
	return {
		roots: base.roots || own.roots,
		missing: [...new Set([...base.missing, ...own.missing])],
		guesses: [...new Set([...base.guesses, ...own.guesses])].filter(
			(name) => !own.missing.includes(name) && !base.missing.includes(name),
		),
	};
}

/** Each field's named type: enums for their values, references for their fields and natural key, collections down to the child record. */
function fieldTypeNeeds(record: IntrospectionType, walk: Walk): void {
	if (!('fields' in record) || !record.fields) return;
	for (const field of record.fields) {
		const { name, kind } = namedRef(field.type);
		if (kind !== 'OBJECT' && kind !== 'ENUM') continue;
		const type = walk.type(name);
		if (type && kind === 'OBJECT' && fieldOf(type, 'query'))
			walk.follow(walk.follow(walk.follow(type, 'query'), 'edges'), 'node');
	}
}

/** The input type of the node's `create(data: …)`, loaded or noted missing. */
function createInput(
	nodeMutation: IntrospectionType | undefined,
	walk: Walk,
): IntrospectionType | undefined {
	const create = fieldOf(nodeMutation, 'create');
	const data = create?.args?.find((arg) => arg.name === 'data') ?? create?.args?.[0];
	return data ? walk.type(namedRef(data.type).name) : undefined;
}

/** Input fields that take objects (a vital collection's lines): their input types, for the lines' fields. */
function inputListNeeds(input: IntrospectionType, walk: Walk): void {
	if (!('inputFields' in input) || !input.inputFields) return;
	for (const field of input.inputFields) {
		const { name, kind } = namedRef(field.type);
		if (kind === 'INPUT_OBJECT') walk.type(name);
	}
}
