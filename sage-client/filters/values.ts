import type { RecordField } from '../fields/record-fields';
import type { SageValue } from './literal';
import { FilterProblem } from './problem';

/**
 * A condition's Value as the field's kind needs it. Values typed in the builder arrive as
 * text ("45", "true", "2026-01-03"); values from expressions as numbers, booleans, arrays,
 * JavaScript dates or Luxon DateTimes (`$now.startOf('year')`). What cannot be converted is
 * refused with a sentence the compiler puts after the condition's name.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?=$|T|\s)/;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const ENUM_VALUES_LISTED = 20;

function shown(value: unknown): string {
	if (typeof value === 'string')
		return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
	if (value instanceof Date) return 'an invalid date';
	if (typeof value === 'object' && value !== null)
		return Array.isArray(value) ? 'a list' : 'an object';
	return String(value);
}

/** Luxon's DateTime (what `$now` and `$today` are) without importing Luxon: its own ISO methods. */
function luxonIso(value: unknown, method: 'toISODate' | 'toISO'): string | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const candidate = (value as Record<string, unknown>)[method];
	if (typeof candidate !== 'function') return undefined;
	const text = (candidate as () => unknown).call(value);
	return typeof text === 'string' ? text : undefined;
}

function isRealDate(year: string, month: string, day: string): boolean {
	const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
	return (
		date.getUTCFullYear() === Number(year) &&
		date.getUTCMonth() === Number(month) - 1 &&
		date.getUTCDate() === Number(day)
	);
}

/** `YYYY-MM-DD`: the date part of an ISO date or date-time as written (its own time zone's day). */
function toDate(value: unknown): string {
	const text =
		luxonIso(value, 'toISODate') ??
		(value instanceof Date && Number.isFinite(value.getTime())
			? value.toISOString()
			: typeof value === 'string'
				? value.trim()
				: undefined);
	const match = text === undefined ? null : DATE.exec(text);
	if (!match || !isRealDate(match[1], match[2], match[3]))
		throw new FilterProblem(
			`${shown(value)} is not a date`,
			"Write a date as YYYY-MM-DD (2026-01-31), or use an expression such as {{ $now.startOf('year').toISODate() }}.",
		);
	return match[0];
}

/** An ISO date-time as Sage's stamps take it; a date alone means its midnight (UTC). */
function toDateTime(value: unknown): string {
	const luxon = luxonIso(value, 'toISO');
	if (luxon !== undefined) return luxon;
	if (value instanceof Date && Number.isFinite(value.getTime())) return value.toISOString();
	const text = typeof value === 'string' ? value.trim() : '';
	if (DATE.test(text) && Number.isFinite(Date.parse(text))) return text;
	throw new FilterProblem(
		`${shown(value)} is not a date and time`,
		'Write it in ISO 8601 (2026-01-31T08:00:00Z), or use an expression such as {{ $now.minus({ days: 1 }).toISO() }}.',
	);
}

function toNumber(value: unknown, integer: boolean): number {
	const text = typeof value === 'string' ? value.trim() : undefined;
	const number =
		typeof value === 'number'
			? value
			: text !== undefined && (integer ? INTEGER : DECIMAL).test(text)
				? Number(text)
				: Number.NaN;
	if (!Number.isFinite(number) || (integer && !Number.isInteger(number)))
		throw new FilterProblem(
			`${shown(value)} is not ${integer ? 'a whole number' : 'a number'}`,
			integer
				? 'Write digits only, e.g. 45.'
				: 'Write a number with a dot for decimals, e.g. 1250.5.',
		);
	return number;
}

function toBoolean(value: unknown): boolean {
	if (typeof value === 'boolean') return value;
	const text = typeof value === 'string' ? value.trim().toLowerCase() : String(value);
	if (text === 'true' || text === '1') return true;
	if (text === 'false' || text === '0') return false;
	throw new FilterProblem(`${shown(value)} is not true or false`, 'Write true or false.');
}

function toEnum(field: RecordField, value: unknown): string {
	const values = field.enumValues ?? [];
	const text = typeof value === 'string' ? value.trim() : String(value);
	const found =
		values.find((entry) => entry === text) ??
		values.find((entry) => entry.toLowerCase() === text.toLowerCase());
	if (found !== undefined || !values.length) return found ?? text;
	const listed = values.slice(0, ENUM_VALUES_LISTED).join(', ');
	throw new FilterProblem(
		`${shown(value)} is not one of ${field.name}'s values`,
		`Use one of: ${listed}${values.length > ENUM_VALUES_LISTED ? ', ...' : ''}.`,
	);
}

/** A reference compared as a whole: Sage's `#<natural key>` or an `_id`, as written. */
function toReference(field: RecordField, value: unknown): string {
	if (typeof value === 'number' && Number.isInteger(value)) return String(value);
	if (typeof value === 'string' && value.trim()) return value.trim();
	const key = field.target?.naturalKey?.join('|') ?? 'id';
	throw new FilterProblem(
		`${shown(value)} is not a reference`,
		`Write the record's natural key after # (#<${key}>) or its _id, or pick ${field.name}.${field.target?.naturalKey?.[0] ?? 'id'} as the field to compare its key.`,
	);
}

function toText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	throw new FilterProblem(`${shown(value)} is not text`, 'Give the value as text.');
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
				throw new FilterProblem(`${shown(value)} is not an _id`, 'An _id is a number, e.g. 599.');
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
