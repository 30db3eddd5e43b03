import type { RecordField, RecordFields } from '../fields/record-fields';
import { closestNames } from '../documents/filter-check';
import { FilterProblem } from './problem';

/**
 * A field path of the builder (`soldToCustomer.id`, `lines.item.id`) followed through the
 * record type's fields: the field layer loads one level below the record type; deeper steps
 * load the referenced record type's own fields.
 */

/** How a path reaches below what the field layer loaded. */
export interface FieldLoader {
	/** A record type's fields. */
	load(recordType: string): Promise<RecordFields>;
	/** The record type of a GraphQL type the field layer could not name (two levels down). */
	recordTypeOf(typeName: string): Promise<string | undefined>;
}

export interface FieldPath {
	/** The fields along the path, the compared one last. */
	fields: RecordField[];
	/** As the lists show it: `Sold To Customer › ID`. */
	label: string;
}

const FIELDS_LISTED = 40;

function unknownField(name: string, where: string, fields: readonly RecordField[]): FilterProblem {
	const names = fields.map((field) => field.name);
	const near = closestNames(name, names);
	const listed =
		names.slice(0, FIELDS_LISTED).join(', ') + (names.length > FIELDS_LISTED ? ', ...' : '');
	return new FilterProblem(
		`${where} has no field '${name}'.${near.length ? ` Did you mean ${near.map((entry) => `'${entry}'`).join(' or ')}?` : ''}`,
		`Names are case-sensitive. Pick the field from the list; ${where} has: ${listed}.`,
	);
}

/** The fields one step inside a reference or collection. */
async function inside(
	field: RecordField,
	loader: FieldLoader,
): Promise<{ fields: RecordField[]; label: string }> {
	const target = field.target;
	if ((field.kind !== 'reference' && field.kind !== 'collection') || !target)
		throw new FilterProblem(
			`'${field.name}' is ${field.kind === 'json' ? 'JSON' : `a ${field.kind}`}, not a reference: nothing can follow it in a field path.`,
		);
	if (target.fields.length) return { fields: target.fields, label: target.typeName };
	const recordType = target.recordType ?? (await loader.recordTypeOf(target.typeName));
	if (!recordType)
		throw new FilterProblem(
			`The fields of ${target.typeName} (in '${field.name}') are not known.`,
			'Write this condition in Sage Syntax.',
		);
	const loaded = await loader.load(recordType);
	return { fields: loaded.fields, label: loaded.label };
}

/** Follows `path` from the record type; unknown names are refused with the closest ones. */
export async function resolvePath(
	root: RecordFields,
	path: string,
	loader: FieldLoader,
): Promise<FieldPath> {
	const names = path.split('.').map((name) => name.trim());
	if (names.some((name) => !name))
		throw new FilterProblem(
			`'${path}' is not a field path`,
			'Write field names joined by dots, e.g. soldToCustomer.id.',
		);
	const fields: RecordField[] = [];
	let available: readonly RecordField[] = root.fields;
	let where = root.label;
	for (const [position, name] of names.entries()) {
		const field = available.find((entry) => entry.name === name);
		if (!field) throw unknownField(name, where, available);
		fields.push(field);
		if (position < names.length - 1) {
			const next = await inside(field, loader);
			available = next.fields;
			where = `${fields.map((entry) => entry.label).join(' › ')} (${next.label})`;
		}
	}
	return { fields, label: fields.map((field) => field.label).join(' › ') };
}
