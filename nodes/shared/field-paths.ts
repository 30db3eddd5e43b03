import type { INodePropertyOptions } from 'n8n-workflow';

import type { FieldKind, RecordField, RecordFields } from '../../sage-client/fields/record-fields';

/**
 * The fields of a record type as people pick them from a list: a scalar by its name, a
 * reference by its key (`currency.id`, each part of a multi-part key; a key part that is
 * itself a reference by its `_id`; `_id` when the schema names no key). Collections are
 * left to the custom selection: their rows need a selection of their own.
 */
export interface FieldPath {
	/** The dotted path the operations take (`name`, `currency.id`). */
	path: string;
	/** `Currency` for a one-part key, `Document Number` for a part of a longer one. */
	label: string;
	/** What the path ends on. */
	kind: FieldKind;
	typeName: string;
}

const SCALAR_KINDS: ReadonlySet<FieldKind> = new Set([
	'id',
	'string',
	'integer',
	'number',
	'boolean',
	'date',
	'dateTime',
	'enum',
	'json',
]);

export function fieldPaths(fields: RecordFields): FieldPath[] {
	const paths: FieldPath[] = [];
	for (const field of fields.fields) {
		if (!field.readable) continue;
		if (SCALAR_KINDS.has(field.kind))
			paths.push({
				path: field.name,
				label: field.label,
				kind: field.kind,
				typeName: field.typeName,
			});
		else if (field.kind === 'reference') paths.push(...keyPaths(field));
	}
	return paths;
}

function keyPaths(reference: RecordField): FieldPath[] {
	const key = reference.target?.naturalKey?.length ? reference.target.naturalKey : ['_id'];
	return key.map((part) => {
		const target = reference.target?.fields.find((candidate) => candidate.name === part);
		const deeper = target?.kind === 'reference' || target?.kind === 'collection';
		return {
			path: deeper ? `${reference.name}.${part}._id` : `${reference.name}.${part}`,
			label: key.length > 1 ? `${reference.label} ${target?.label ?? part}` : reference.label,
			kind: deeper ? 'id' : (target?.kind ?? 'id'),
			typeName: deeper ? 'ID' : (target?.typeName ?? 'ID'),
		};
	});
}

const NUMERIC: ReadonlySet<FieldKind> = new Set(['integer', 'number']);

export const isNumeric = (path: FieldPath): boolean => NUMERIC.has(path.kind);

/**
 * A path as a list option: the label, with the Sage path beside it when it says more
 * than the label does (`Sold To Customer (soldToCustomer.id)`, but `Name`), sorted by name.
 */
export function pathOptions(paths: FieldPath[]): INodePropertyOptions[] {
	return paths
		.map(({ path, label, typeName }) => ({
			name: squeezed(label) === squeezed(path) ? label : `${label} (${path})`,
			value: path,
			description: `${path}: ${typeName}`,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

const squeezed = (text: string) => text.replace(/[\s_]/g, '').toLowerCase();
