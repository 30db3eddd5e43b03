import type { FieldType, ResourceMapperField } from 'n8n-workflow';

import type { RecordField, RecordFields } from '../../../../../sage-client/fields/record-fields';
import { labelOf } from '../../../../../sage-client/fields/labels';
import type { ReferenceMode } from './convert';

/**
 * The fields n8n's field mapper lists for a record type, from its create/update input type:
 * Sage's name is the field's id, its label what people read, references say what they
 * point to and how they are written. n8n saves this list in every node (n8n issue 9297), so
 * it is kept small: no system or read-only fields, option lists only for enums of a
 * reasonable size, and where a record type has many fields the optional ones start under
 * "Add field" (as n8n's Odoo node does), so the panel shows what a create needs.
 */

export type MapperOperation = 'create' | 'update' | 'upsert' | 'updateMany';

/** Above this many values an enum is a text field: its values are checked at run time instead. */
export const MAX_ENUM_OPTIONS = 50;
/**
 * Above this many writable fields, the optional ones start removed: the panel shows what the
 * operation needs and the user adds the others from the mapper's list of fields.
 */
export const MANY_FIELDS = 8;

const TYPES: Record<RecordField['kind'], FieldType> = {
	id: 'string',
	string: 'string',
	integer: 'number',
	number: 'number',
	boolean: 'boolean',
	date: 'dateTime',
	dateTime: 'dateTime',
	enum: 'options',
	reference: 'string',
	collection: 'array',
	json: 'object',
};

/** The input fields a mapper offers: writable, not system (but `_customData`, and `_id` for Update's match). */
export function writableFields(fields: RecordFields, operation: MapperOperation): RecordField[] {
	const writable = fields.fields.filter(
		(field) =>
			field.input !== undefined &&
			(!field.system ||
				field.name === '_customData' ||
				(field.name === '_id' && operation === 'update')),
	);
	// `_id` first (Update's match), the record's own fields, custom data last.
	const rank = (field: RecordField) =>
		field.name === '_id' ? 0 : field.name === '_customData' ? 2 : 1;
	return writable.sort((a, b) => rank(a) - rank(b));
}

/** Fields that find the record to write: Update by `_id` or a one-part natural key; Create or Update by a scalar. */
export function matchCandidates(fields: RecordFields, operation: MapperOperation): string[] {
	const key = fields.naturalKey?.length === 1 ? fields.naturalKey[0] : undefined;
	if (operation === 'update') return ['_id', ...(key ? [key] : [])];
	if (operation !== 'upsert') return [];
	const scalars = writableFields(fields, operation)
		.filter((field) => !field.system && ['string', 'integer'].includes(field.kind))
		.map((field) => field.name);
	return key ? [key, ...scalars.filter((name) => name !== key)] : scalars;
}

export function mapperFields(
	fields: RecordFields,
	operation: MapperOperation,
	references: ReferenceMode,
): ResourceMapperField[] {
	const writable = writableFields(fields, operation);
	const candidates = matchCandidates(fields, operation);
	const defaultMatch = operation === 'update' ? (candidates[1] ?? '_id') : candidates[0];
	const many = writable.length > MANY_FIELDS;
	return writable.map((field) => {
		const required =
			(operation === 'create' || operation === 'upsert') && field.input?.required === true;
		const matching = candidates.includes(field.name);
		const mapped: ResourceMapperField = {
			id: field.name,
			displayName: displayName(field, references),
			required,
			defaultMatch: field.name === defaultMatch,
			canBeUsedToMatch: matching,
			display: true,
			type: typeOf(field),
		};
		if (mapped.type === 'options')
			mapped.options = (field.enumValues ?? []).map((value) => ({ name: value, value }));
		if (many && !required && field.name !== defaultMatch) mapped.removed = true;
		return mapped;
	});
}

function typeOf(field: RecordField): FieldType {
	if (field.input?.list) return 'array';
	if (field.kind === 'enum' && (field.enumValues?.length ?? 0) > MAX_ENUM_OPTIONS) return 'string';
	return TYPES[field.kind];
}

/**
 * "Currency: a currency's id", "Lines: list of sales order lines (JSON, _action per line)":
 * the mapper shows only a name, so the name says how a reference or a list is written.
 */
export function displayName(field: RecordField, references: ReferenceMode): string {
	const target = field.target;
	const targetLabel = labelOf(target?.typeName ?? field.typeName).toLowerCase();
	if (field.name === '_id') return 'ID (_id)';
	if (field.input?.list || field.kind === 'collection')
		return `${field.label}: list of ${targetLabel}s (JSON${field.target?.fields.some((child) => child.name === '_action') ? ', _action per entry' : ''})`;
	if (field.kind === 'reference') {
		if (references === 'id') return `${field.label}: a ${targetLabel}'s _id`;
		const key = target?.naturalKey?.map(labelOf).join(' | ') ?? 'natural key';
		return `${field.label}: a ${targetLabel}'s ${key}`;
	}
	if (field.kind === 'enum' && (field.enumValues?.length ?? 0) > MAX_ENUM_OPTIONS)
		return `${field.label} (one of ${field.enumValues?.length} values)`;
	if (field.kind === 'json') return `${field.label} (JSON object)`;
	return field.label;
}
