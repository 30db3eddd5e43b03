import type { FieldKind, RecordField, RecordFields } from '../fields/record-fields';
import { ALL_OPERATORS, OPERATORS, operatorLabel, operatorsFor } from './operators';

/**
 * The lists the builder's dropdowns show, from the record type's fields: the fields a
 * condition or a sort can use (a reference's key and the referenced record's fields one
 * level down, a collection's records' fields), and the operators that fit a field.
 */

export interface Choice {
	name: string;
	value: string;
	description?: string;
}

const KIND_TEXT: Record<FieldKind, string> = {
	id: 'an _id',
	string: 'text',
	integer: 'a whole number',
	number: 'a number',
	boolean: 'true or false',
	date: 'a date (YYYY-MM-DD)',
	dateTime: 'a date and time (ISO 8601)',
	enum: 'one of a list of values',
	reference: 'a reference',
	collection: 'a collection',
	json: 'JSON',
};

// The editor shows descriptions as HTML: no angle brackets in them.
function describe(path: string, field: RecordField): string {
	if (field.kind === 'reference') {
		const key = field.target?.naturalKey?.join(' | ') ?? 'natural key';
		return `${path}: a ${field.target?.typeName ?? 'record'}, compared as # followed by its ${key}, or its _id`;
	}
	if (field.kind === 'collection')
		return `${path}: ${field.target?.typeName ?? 'child'} records (has records or not)`;
	if (field.kind === 'enum' && field.enumValues?.length)
		return `${path}: one of ${field.enumValues.slice(0, 8).join(', ')}${field.enumValues.length > 8 ? ', ...' : ''}`;
	return `${path}: ${KIND_TEXT[field.kind]}`;
}

const comparable = (field: RecordField) => field.readable && field.kind !== 'json';

/** A system field's label names it too: `_id` and `id` both read "ID" otherwise. */
const optionLabel = (field: RecordField) =>
	field.system ? `${field.label} (${field.name})` : field.label;
const scalar = (field: RecordField) =>
	comparable(field) && field.kind !== 'reference' && field.kind !== 'collection';

/** A nested reference's key (`soldToCustomer.country.id`), when the schema names it. */
function keyChoices(prefix: Choice, field: RecordField): Choice[] {
	const key = field.target?.naturalKey;
	if (!key?.length) return [];
	return key.map((part) => ({
		name: `${prefix.name} › ${optionLabel(field)} › ${part === 'id' ? 'ID' : part}`,
		value: `${prefix.value}.${field.name}.${part}`,
		description: `${prefix.value}.${field.name}.${part}: its key`,
	}));
}

/** The fields one level inside a reference or collection: natural key first, then the others. */
function insideChoices(parent: RecordField, prefix: Choice, scalarsOnly: boolean): Choice[] {
	const fields = parent.target?.fields ?? [];
	const key = new Set(parent.target?.naturalKey ?? []);
	const ordered = [
		...fields.filter((field) => key.has(field.name)),
		...fields.filter((field) => !key.has(field.name)),
	];
	const choices: Choice[] = [];
	for (const field of ordered) {
		const path = `${prefix.value}.${field.name}`;
		if (scalar(field))
			choices.push({
				name: `${prefix.name} › ${optionLabel(field)}`,
				value: path,
				description: describe(path, field),
			});
		else if (field.kind === 'reference' && comparable(field)) {
			if (!scalarsOnly)
				choices.push({
					name: `${prefix.name} › ${optionLabel(field)}`,
					value: path,
					description: describe(path, field),
				});
			choices.push(...keyChoices(prefix, field));
		}
	}
	return choices;
}

const ownChoice = (field: RecordField): Choice => ({
	name: optionLabel(field),
	value: field.name,
	description: describe(field.name, field),
});

/** Condition fields: every readable field, a reference's fields, a collection's records' fields. */
export function filterFieldChoices(record: RecordFields): Choice[] {
	const choices: Choice[] = [];
	for (const field of record.fields.filter(comparable)) {
		const own = ownChoice(field);
		if (field.kind === 'collection') {
			choices.push({ ...own, name: `${field.label} (Collection)` });
			choices.push(...insideChoices(field, { ...own, name: `${field.label} (Any)` }, false));
		} else {
			choices.push(own);
			if (field.kind === 'reference') choices.push(...insideChoices(field, own, false));
		}
	}
	return choices;
}

/** Sort fields: the record's own scalar fields and those of the records it references (no collections). */
export function sortFieldChoices(record: RecordFields): Choice[] {
	const choices: Choice[] = [];
	for (const field of record.fields.filter(comparable)) {
		const own = ownChoice(field);
		if (field.kind === 'reference') choices.push(...insideChoices(field, own, true));
		else if (field.kind !== 'collection') choices.push(own);
	}
	return choices;
}

/** The operators that fit a field of this kind (every operator when the kind is unknown). */
export function operatorChoices(kind?: FieldKind): Choice[] {
	return (kind ? operatorsFor(kind) : ALL_OPERATORS).map((operator) => ({
		name: operatorLabel(operator, kind),
		value: operator,
		description: `Sage: ${kind === 'collection' ? (operator === 'isEmpty' ? '_none: true' : '_atLeast: 1') : OPERATORS[operator].sage}`,
	}));
}
