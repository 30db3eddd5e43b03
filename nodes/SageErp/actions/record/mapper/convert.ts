import type { RecordField } from '../../../../../sage-client/fields/record-fields';
import {
	describeValue,
	matchEnum,
	readBoolean,
	readInstant,
	readNumber,
	readReference,
	readText,
} from '../../../../../sage-client/fields/values';
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
	const text = readText(value);
	return text !== undefined ? ok(text) : refuse(`expects text, not ${describeValue(value)}`);
}

/** A Decimal keeps a numeric text as text: Sage takes it and no digit is lost to floating point. */
function toNumber(value: unknown, whole: boolean, decimal = false): Converted {
	const read = readNumber(value, whole);
	if (!read)
		return refuse(`expects ${whole ? 'a whole number' : 'a number'}, not ${describeValue(value)}`);
	return ok(decimal && read.text !== undefined ? read.text : read.number);
}

function toBoolean(value: unknown): Converted {
	const read = readBoolean(value);
	return read !== undefined
		? ok(read)
		: refuse(`expects true or false, not ${describeValue(value)}`);
}

function toDate(value: unknown): Converted {
	const date = readInstant(value)?.date;
	return date ? ok(date) : refuse(`expects a date (2026-01-03), not ${describeValue(value)}`);
}

/** Written as UTC (`…Z`); a date alone is its midnight UTC. */
function toDateTime(value: unknown): Converted {
	const instant = readInstant(value);
	if (!instant)
		return refuse(`expects a date and time (2026-01-03T10:00:00Z), not ${describeValue(value)}`);
	return ok(new Date(instant.dateTime ?? `${instant.date}T00:00:00Z`).toISOString());
}

function toEnum(field: RecordField, value: unknown): Converted {
	const values = field.enumValues ?? [];
	const found = matchEnum(values, value);
	if (found !== undefined) return ok(found);
	const text = typeof value === 'string' ? value.trim() : undefined;
	const near = text ? closestName(text, values) : undefined;
	const listed = values.length <= 20 ? ` (one of ${values.join(', ')})` : '';
	return refuse(
		`expects one of its values${listed}, not ${describeValue(value)}${near ? `. Did you mean ${near}?` : ''}`,
	);
}

function toReference(value: unknown, references: ReferenceMode): Converted {
	const text = readReference(value);
	if (text === undefined)
		return refuse(
			`expects a natural key${references === 'id' ? ' after a # or an _id' : ''}, not ${describeValue(value)}`,
		);
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
