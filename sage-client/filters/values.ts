import type { RecordField } from '../fields/record-fields';
import {
	describeValue,
	matchEnum,
	readBoolean,
	readInstant,
	readNumber,
	readReference,
	readText,
} from '../fields/values';
import type { SageValue } from './literal';
import { FilterProblem } from './problem';

/**
 * A condition's Value as the field's kind needs it. Values typed in the builder arrive as
 * text ("45", "true", "2026-01-03"); values from expressions as numbers, booleans, arrays,
 * JavaScript dates or Luxon DateTimes (`$now.startOf('year')`). What cannot be converted is
 * refused with a sentence the compiler puts after the condition's name.
 */

const ENUM_VALUES_LISTED = 20;

/** `YYYY-MM-DD`: the date part of an ISO date or date-time as written (its own time zone's day). */
function toDate(value: unknown): string {
	const date = readInstant(value)?.date;
	if (date === undefined)
		throw new FilterProblem(
			`${describeValue(value)} is not a date`,
			"Write a date as YYYY-MM-DD (2026-01-31), or use an expression such as {{ $now.startOf('year').toISODate() }}.",
		);
	return date;
}

/** An ISO date-time as Sage's stamps take it; a date alone means its midnight (UTC). */
function toDateTime(value: unknown): string {
	const instant = readInstant(value);
	if (instant === undefined)
		throw new FilterProblem(
			`${describeValue(value)} is not a date and time`,
			'Write it in ISO 8601 (2026-01-31T08:00:00Z), or use an expression such as {{ $now.minus({ days: 1 }).toISO() }}.',
		);
	return instant.dateTime ?? instant.date;
}

function toNumber(value: unknown, integer: boolean): number {
	const read = readNumber(value, integer);
	if (read === undefined)
		throw new FilterProblem(
			`${describeValue(value)} is not ${integer ? 'a whole number' : 'a number'}`,
			integer
				? 'Write digits only, e.g. 45.'
				: 'Write a number with a dot for decimals, e.g. 1250.5.',
		);
	return read.number;
}

function toBoolean(value: unknown): boolean {
	const read = readBoolean(value);
	if (read === undefined)
		throw new FilterProblem(`${describeValue(value)} is not true or false`, 'Write true or false.');
	return read;
}

/** Without known values (a schema that lists none) the text goes to Sage as written. */
function toEnum(field: RecordField, value: unknown): string {
	const values = field.enumValues ?? [];
	const found = matchEnum(values, value);
	if (found !== undefined) return found;
	if (!values.length) return typeof value === 'string' ? value.trim() : String(value);
	const listed = values.slice(0, ENUM_VALUES_LISTED).join(', ');
	throw new FilterProblem(
		`${describeValue(value)} is not one of ${field.name}'s values`,
		`Use one of: ${listed}${values.length > ENUM_VALUES_LISTED ? ', ...' : ''}.`,
	);
}

/** A reference compared as a whole: Sage's `#<natural key>` or an `_id`, as written. */
function toReference(field: RecordField, value: unknown): string {
	const reference = readReference(value);
	if (reference !== undefined) return reference;
	const key = field.target?.naturalKey?.join('|') ?? 'id';
	throw new FilterProblem(
		`${describeValue(value)} is not a reference`,
		`Write the record's natural key after # (#<${key}>) or its _id, or pick ${field.name}.${field.target?.naturalKey?.[0] ?? 'id'} as the field to compare its key.`,
	);
}

function toText(value: unknown): string {
	const text = readText(value);
	if (text !== undefined) return text;
	throw new FilterProblem(`${describeValue(value)} is not text`, 'Give the value as text.');
}

/** One value, converted to what the field's kind needs. */
export function convertValue(field: RecordField, value: unknown): SageValue {
	switch (field.kind) {
		case 'integer':
			return toNumber(value, true);
		case 'number':
			return toNumber(value, false);
		case 'boolean':
			return toBoolean(value);
		case 'date':
			return toDate(value);
		case 'dateTime':
			return toDateTime(value);
		case 'enum':
			return toEnum(field, value);
		case 'reference':
			return toReference(field, value);
		case 'id': {
			const text = typeof value === 'number' ? String(value) : toText(value).trim();
			if (!/^\d+$/.test(text))
				throw new FilterProblem(
					`${describeValue(value)} is not an _id`,
					'An _id is a number, e.g. 599.',
				);
			return text;
		}
		default:
			return toText(value);
	}
}

/** Whether a value counts as not given: refused for an operator that needs one. */
export function isEmptyValue(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		(typeof value === 'string' && value.trim() === '') ||
		(Array.isArray(value) && value.length === 0)
	);
}

/** Is One Of: a list from an expression, or text separated by commas (spaces around them trimmed). */
export function valueList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string')
		return value
			.split(',')
			.map((part) => part.trim())
			.filter((part) => part !== '');
	return [value];
}
