import type { RecordField } from '../../../../../sage-client/fields/record-fields';
import { closestName } from '../../../../../sage-client/schema/schema-change';

/**
 * A mapped value made into what Sage's input type takes for its field. Values from a CRM or
 * a webhook arrive as text ("45", "true", "2026-01-03"): they are converted as n8n's own
 * mapper converts them, and what cannot be converted is a problem naming the field, found
 * before anything is sent. References become Sage's `#<natural key>` unless References Are
 * says _ids: a key typed or mapped as it is works, and one already written `#FR` stays.
 */

/** How the panel says references are written: the choice is the user's, never a guess. */
export type ReferenceMode = 'naturalKey' | 'id';

export type Converted = { value: unknown } | { problem: string };

const ok = (value: unknown): Converted => ({ value });
const refuse = (problem: string): Converted => ({ problem });

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const WHOLE = /^[+-]?\d+$/;
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A value's kind as the error says it: `text "abc"`, `a number (4.5)`, `an object`. */
export function describeValue(value: unknown): string {
	if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) return 'a list';
	return value === null ? 'null' : `an ${typeof value}`;
}

export function convertValue(
	field: RecordField,
	value: unknown,
	references: ReferenceMode,
): Converted {
	if (field.input?.list) return convertList(field, value, references);
	switch (field.kind) {
		case 'integer':
			return toNumber(value, true);
		case 'number':
			return toNumber(value, false, field.typeName === 'Decimal');
		case 'boolean':
			return toBoolean(value);
		case 'date':
			return toDate(value);
		case 'dateTime':
			return toDateTime(value);
		case 'enum':
			return toEnum(field, value);
		case 'reference':
			return toReference(value, references);
		case 'json':
			return toJsonObject(value);
		case 'collection':
			return refuse('expects a list of objects (JSON)');
		default:
			return toText(value);
	}
}

function toText(value: unknown): Converted {
	if (typeof value === 'string') return ok(value);
	if (typeof value === 'number' || typeof value === 'boolean') return ok(String(value));
	return refuse(`expects text, not ${describeValue(value)}`);
}

/** A Decimal keeps a numeric text as text: Sage takes it and no digit is lost to floating point. */
function toNumber(value: unknown, whole: boolean, decimal = false): Converted {
	const expected = whole ? 'a whole number' : 'a number';
	if (typeof value === 'number') {
		if (!Number.isFinite(value) || (whole && !Number.isInteger(value)))
			return refuse(`expects ${expected}, not ${describeValue(value)}`);
		return ok(value);
	}
	const text = typeof value === 'string' ? value.trim() : undefined;
	if (text === undefined || !(whole ? WHOLE : NUMERIC).test(text))
		return refuse(`expects ${expected}, not ${describeValue(value)}`);
	return ok(decimal ? text : Number(text));
}

function toBoolean(value: unknown): Converted {
	if (typeof value === 'boolean') return ok(value);
	const text = String(value).trim().toLowerCase();
	if (typeof value === 'string' || typeof value === 'number') {
		if (text === 'true' || text === '1') return ok(true);
		if (text === 'false' || text === '0') return ok(false);
	}
	return refuse(`expects true or false, not ${describeValue(value)}`);
}

/** A Luxon DateTime from an expression (`$now`), a JavaScript Date, or ISO text. */
function asInstant(value: unknown): { date?: string; instant?: string } | undefined {
	if (value instanceof Date)
		return Number.isNaN(value.getTime()) ? undefined : { instant: value.toISOString() };
	if (typeof value === 'object' && value !== null && 'toISO' in value) {
		const luxon = value as { toISO(): string | null; toISODate(): string | null };
		const instant = luxon.toISO();
		return instant ? { instant, date: luxon.toISODate() ?? undefined } : undefined;
	}
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	if (ISO_DATE.test(text)) return Number.isNaN(Date.parse(text)) ? undefined : { date: text };
	if (ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text.replace(' ', 'T'))))
		return { instant: text.replace(' ', 'T'), date: text.slice(0, 10) };
	return undefined;
}

function toDate(value: unknown): Converted {
	const instant = asInstant(value);
	const date = instant?.date ?? instant?.instant?.slice(0, 10);
	return date ? ok(date) : refuse(`expects a date (2026-01-03), not ${describeValue(value)}`);
}

function toDateTime(value: unknown): Converted {
	const instant = asInstant(value);
	if (!instant)
		return refuse(`expects a date and time (2026-01-03T10:00:00Z), not ${describeValue(value)}`);
	return ok(new Date(instant.instant ?? `${instant.date}T00:00:00Z`).toISOString());
}

/** Sage's exact value; one that differs only in case is taken as that value. */
function toEnum(field: RecordField, value: unknown): Converted {
	const values = field.enumValues ?? [];
	const text = typeof value === 'string' ? value.trim() : undefined;
	if (text !== undefined) {
		const exact = values.find((candidate) => candidate === text);
		const loose = values.find((candidate) => candidate.toLowerCase() === text.toLowerCase());
		if (exact ?? loose) return ok(exact ?? loose);
	}
	const near = text ? closestName(text, values) : undefined;
	const listed = values.length <= 20 ? ` (one of ${values.join(', ')})` : '';
	return refuse(
		`expects one of its values${listed}, not ${describeValue(value)}${near ? `. Did you mean ${near}?` : ''}`,
	);
}

function toReference(value: unknown, references: ReferenceMode): Converted {
	if (typeof value === 'number' && Number.isInteger(value)) value = String(value);
	if (typeof value !== 'string' || !value.trim())
		return refuse(
			`expects a natural key${references === 'id' ? ' after a # or an _id' : ''}, not ${describeValue(value)}`,
		);
	const text = value.trim();
	if (text.startsWith('#') || references === 'id') return ok(text);
	return ok(`#${text}`);
}

function toJsonObject(value: unknown): Converted {
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) return ok(value);
	if (typeof value === 'string') {
		const parsed = parseJson(value);
		if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return ok(value);
	}
	return refuse(`expects a JSON object, not ${describeValue(value)}`);
}

/**
 * A vital collection (lines): a list of objects, or the JSON text of one. Each entry's fields
 * that the child record type describes are converted the same way (`item: "ITEM-3"` becomes
 * `#ITEM-3`); `_action`, `_id` and fields it does not describe go to Sage as they are.
 */
function convertList(field: RecordField, value: unknown, references: ReferenceMode): Converted {
	const list = typeof value === 'string' ? parseJson(value) : value;
	if (
		!Array.isArray(list) ||
		list.some((entry) => typeof entry !== 'object' || entry === null || Array.isArray(entry))
	)
		return refuse(`expects a list of objects (JSON), not ${describeValue(value)}`);
	const children = field.target?.fields ?? [];
	const converted: Array<Record<string, unknown>> = [];
	for (const [position, entry] of (list as Array<Record<string, unknown>>).entries()) {
		const out: Record<string, unknown> = {};
		for (const [key, child] of Object.entries(entry)) {
			const described = children.find((candidate) => candidate.name === key);
			if (!described || described.system || child === null || described.kind === 'collection') {
				out[key] = child;
				continue;
			}
			const result = convertValue(described, child, references);
			if ('problem' in result) return refuse(`[${position}].${key} ${result.problem}`);
			out[key] = result.value;
		}
		converted.push(out);
	}
	return ok(converted);
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}
