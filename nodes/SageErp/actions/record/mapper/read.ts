import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { RecordField, RecordFields } from '../../../../../sage-client/fields/record-fields';
import { closestName } from '../../../../../sage-client/schema/schema-change';
import { inputError } from '../../../../shared/errors';
import type { SageSession } from '../../../../shared/session';
import { customDataInput } from '../../common/custom-data';
import { itemJsonValue, readJsonObject } from '../../common/parameters';
import { convertValue, type ReferenceMode } from './convert';
import { matchCandidates, writableFields, type MapperOperation } from './fields';

/**
 * One item's values to write, the same way for Create, Update, Create or Update and Update
 * Many: Data as JSON (version 1, or Data Mode "JSON"), or the field mapper's values
 * (version 2), checked against the record type's fields before anything is sent: keys that
 * are not its fields, values that cannot be converted to the field's type, and on Create the
 * required fields left empty, each error naming every field it is about and the item.
 */
export interface WriteData {
	data: IDataObject;
	/** The mapper's "columns to match on" (Update, Create or Update); undefined for JSON. */
	matchingColumns?: string[];
	/** The fields a create needs that the values leave empty (Create or Update refuses its creates). */
	missingOnCreate?: string[];
	fields?: RecordFields;
}

interface MapperValue {
	mappingMode?: string;
	value?: IDataObject | null;
	matchingColumns?: string[];
}

export interface WriteDataReader {
	read(itemIndex: number, recordType: string, timeoutMs?: number): Promise<WriteData>;
	/** Create and Update: the data, and for a mapped Update the record its match column finds. */
	forMutation(
		itemIndex: number,
		recordType: string,
		timeoutMs?: number,
	): Promise<{ data: IDataObject; id?: string }>;
}

/** Whether this node reads its values through the field mapper (version 2, Data Mode "Map Fields"). */
export function usesMapper(context: IExecuteFunctions, itemIndex: number): boolean {
	return (
		context.getNode().typeVersion >= 2 &&
		context.getNodeParameter('dataMode', itemIndex, 'map') === 'map'
	);
}

/** A reader for one execution: the record type's fields are looked up once per record type. */
export function writeDataReader(
	context: IExecuteFunctions,
	session: SageSession,
	operation: MapperOperation,
): WriteDataReader {
	const loaded = new Map<string, Promise<RecordFields>>();
	const fieldsOf = (recordType: string, timeoutMs?: number) => {
		let fields = loaded.get(recordType);
		if (!fields) loaded.set(recordType, (fields = session.recordFields(recordType, timeoutMs)));
		return fields;
	};
	const read = async (itemIndex: number, recordType: string, timeoutMs?: number) => {
		if (!usesMapper(context, itemIndex)) {
			const json = readJsonObject(context, 'data', 'Data', itemIndex, { emptyAllowed: false });
			return { data: customDataInput(context, json, itemIndex) };
		}
		const fields = await fieldsOf(recordType, timeoutMs);
		return readMapped(context, itemIndex, fields, operation);
	};
	return {
		read,
		forMutation: async (itemIndex, recordType, timeoutMs) => {
			const written: WriteData = await read(itemIndex, recordType, timeoutMs);
			if (operation !== 'update' || !written.matchingColumns) return { data: written.data };
			return recordToUpdate(context, itemIndex, written);
		},
	};
}

function readMapped(
	context: IExecuteFunctions,
	itemIndex: number,
	fields: RecordFields,
	operation: MapperOperation,
): WriteData {
	const columns = (context.getNodeParameter('columns', itemIndex, {}, { rawExpressions: true }) ??
		{}) as MapperValue;
	const automatic = columns.mappingMode === 'autoMapInputData';
	const given = automatic
		? (context.getInputData()[itemIndex]?.json ?? {})
		: mappedValues(context, itemIndex, columns.value ?? {});
	const references = context.getNodeParameter(
		'references',
		itemIndex,
		'naturalKey',
	) as ReferenceMode;
	const ignoreUnknown =
		(context.getNodeParameter('options', itemIndex, {}) as { ignoreUnknownKeys?: boolean })
			.ignoreUnknownKeys === true;
	const writable = new Map(writableFields(fields, operation).map((field) => [field.name, field]));
	refuseUnknownKeys(context, itemIndex, fields, writable, Object.keys(given), ignoreUnknown);
	const data: IDataObject = {};
	const problems: string[] = [];
	for (const [key, value] of Object.entries(given)) {
		const field = writable.get(key);
		if (!field || value === undefined || value === null || value === '') continue; // empty = not given
		const converted = convertValue(field, value, references);
		if ('problem' in converted) problems.push(`${nameOf(field)} ${converted.problem}`);
		else data[key] = converted.value as IDataObject[string];
	}
	if (problems.length)
		throw inputError(
			context.getNode(),
			problems.join('; '),
			itemIndex,
			'Give each field a value of its type; text such as "45", "true" or "2026-01-03" is converted.',
		);
	const missingOnCreate = [...writable.values()]
		.filter((field) => field.input?.required && data[field.name] === undefined)
		.map(nameOf);
	if (operation === 'create' && missingOnCreate.length)
		throw missingError(context, itemIndex, fields, missingOnCreate);
	const matchingColumns = (columns.matchingColumns ?? []).filter(Boolean);
	return {
		data: customDataInput(context, data, itemIndex),
		matchingColumns: matchingColumns.length
			? matchingColumns
			: defaultMatch(fields, operation, data),
		missingOnCreate,
		fields,
	};
}

/**
 * The mapped values of one item. A value that only names a key of the input item
 * (`={{ $json.email }}`, what dragging an input field writes) is read from the item: n8n's
 * expression engine costs about 0.3 ms per evaluation, so a mapped Create would otherwise pay
 * that per field and item. Other expressions are evaluated by n8n, one field at a time.
 */
function mappedValues(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: IDataObject,
): IDataObject {
	const values: IDataObject = {};
	for (const [key, value] of Object.entries(raw)) {
		const isExpression = typeof value === 'string' && value.startsWith('=');
		values[key] = !isExpression
			? value
			: ((itemJsonValue(context, value, itemIndex) ??
					context.getNodeParameter(`columns.value.${key}`, itemIndex)) as IDataObject[string]);
	}
	return values;
}

const nameOf = (field: RecordField): string => `${field.label} (${field.name})`;

/** The required fields a create is missing, all at once. */
export function missingError(
	context: IExecuteFunctions,
	itemIndex: number,
	fields: RecordFields,
	missing: string[],
) {
	return inputError(
		context.getNode(),
		`${fields.label} needs ${missing.length === 1 ? 'a value for' : 'values for'} ${missing.join(', ')} to be created`,
		itemIndex,
		'Map a value to each of these fields; they are marked required in Fields to Send.',
	);
}

/** Keys that are not fields of the record type, each with the closest field, unless they are to be ignored. */
function refuseUnknownKeys(
	context: IExecuteFunctions,
	itemIndex: number,
	fields: RecordFields,
	writable: Map<string, RecordField>,
	keys: string[],
	ignoreUnknown: boolean,
): void {
	const unknown = keys.filter((key) => !writable.has(key));
	if (!unknown.length || ignoreUnknown) return;
	const names = [...writable.keys()];
	const nearest = (key: string) => (fields.field(key) ? undefined : closestName(key, names));
	const described = unknown.map((key) => {
		const near = nearest(key);
		if (fields.field(key)) return `"${key}" (it cannot be written)`;
		return `"${key}"${near ? ` (did you mean "${near}"?)` : ''}`;
	});
	const [only] = unknown;
	const near = nearest(only);
	const subject =
		unknown.length > 1
			? `${unknown.length} keys are not fields of ${fields.label} that can be written: ${described.join(', ')}`
			: fields.field(only)
				? `"${only}" is a field of ${fields.label} that cannot be written`
				: `"${only}" is not a field of ${fields.label}${near ? `. Did you mean "${near}"?` : ''}`;
	throw inputError(
		context.getNode(),
		subject,
		itemIndex,
		`Fields of ${fields.label}: ${names.join(', ')}. Rename or remove these keys (e.g. in an Edit Fields node), or turn on Options > Ignore Unknown Keys.`,
	);
}

/** No column chosen: Update by the `_id` the values hold, else the natural key; Create or Update by the natural key. */
function defaultMatch(
	fields: RecordFields,
	operation: MapperOperation,
	data: IDataObject,
): string[] {
	const candidates = matchCandidates(fields, operation);
	if (operation === 'update') return data._id !== undefined ? ['_id'] : candidates.slice(1, 2);
	const key = fields.naturalKey?.length === 1 ? fields.naturalKey : [];
	return operation === 'upsert' ? key : [];
}

/**
 * Update's record, from the column it is matched on: the `_id`, or the natural key written
 * `#<key>` (Sage reads both). The matched value leaves the data: it finds the record.
 */
export function recordToUpdate(
	context: IExecuteFunctions,
	itemIndex: number,
	written: WriteData,
): { data: IDataObject; id: string } {
	const column = written.matchingColumns?.[0];
	const value = column ? written.data[column] : undefined;
	if (!column || value === undefined || value === null || value === '') {
		const label = column ? (written.fields?.field(column)?.label ?? column) : 'ID';
		throw inputError(
			context.getNode(),
			`${label}${column ? ` (${column})` : ''} is empty: it finds the record to update`,
			itemIndex,
			'Give the record’s ID (_id) or its natural key a value in Fields to Send, and choose it under Record to Update.',
		);
	}
	const { [column]: _matched, ...data } = written.data;
	void _matched;
	const text = String(value);
	return { data, id: column === '_id' || text.startsWith('#') ? text : `#${text}` };
}
