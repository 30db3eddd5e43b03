/**
 * Reading a value as a field's kind takes it, shared by the field mapper (writes) and the
 * filter builder (conditions). Values typed in n8n arrive as text ("45", "true",
 * "2026-01-03"); values from expressions as numbers, booleans, JavaScript dates or Luxon
 * DateTimes (`$now`). Each reader returns undefined for what it cannot read: the caller
 * words the refusal its own way (a problem after the field's name, or a filter condition's).
 */

const WHOLE = /^[+-]?\d+$/;
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const SHOWN_LENGTH = 60;

/** A value as a message shows it: `"abc"`, `4.5`, `true`, `null`, `a list`, `an object`. */
export function describeValue(value: unknown): string {
	if (typeof value === 'string')
		return JSON.stringify(value.length > SHOWN_LENGTH ? `${value.slice(0, SHOWN_LENGTH)}…` : value);
	if (value instanceof Date) return 'an invalid date';
	if (typeof value === 'object' && value !== null)
		return Array.isArray(value) ? 'a list' : 'an object';
	return String(value);
}

/** Text as it is; a number or a boolean as its text. */
export function readText(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

/**
 * A finite number (a whole one if asked), given as a number or as its text; `text` is the
 * trimmed text it was read from, for a Decimal that keeps every digit as written.
 */
export function readNumber(
	value: unknown,
	whole: boolean,
): { number: number; text?: string } | undefined {
	const text = typeof value === 'string' ? value.trim() : undefined;
	const number =
		typeof value === 'number'
			? value
			: text !== undefined && (whole ? WHOLE : NUMERIC).test(text)
				? Number(text)
				: Number.NaN;
	if (!Number.isFinite(number) || (whole && !Number.isInteger(number))) return undefined;
	return text === undefined ? { number } : { number, text };
}

/** A boolean, or its text or number: true/false (any case), 1/0. */
export function readBoolean(value: unknown): boolean | undefined {
	if (typeof value === 'boolean') return value;
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim().toLowerCase();
	if (text === 'true' || text === '1') return true;
	if (text === 'false' || text === '0') return false;
	return undefined;
}

/** Luxon's DateTime (what `$now` and `$today` are) without importing Luxon: its own ISO methods. */
function luxonIso(value: unknown, method: 'toISODate' | 'toISO'): string | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const candidate = (value as Record<string, unknown>)[method];
	if (typeof candidate !== 'function') return undefined;
	const text = (candidate as () => unknown).call(value);
	return typeof text === 'string' ? text : undefined;
}

/**
 * A DateTime that crossed n8n's expression sandbox (n8n 2.41 hands expression results over as
 * `{ __n8nType: 'DateTime', __isoString, __zone }`): its ISO text, written in its own zone.
 */
function carriedDateTime(value: unknown): string | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const { __n8nType: type, __isoString: iso } = value as Record<string, unknown>;
	return type === 'DateTime' && typeof iso === 'string' ? iso : undefined;
}

function isRealDate(year: string, month: string, day: string): boolean {
	const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
	return (
		date.getUTCFullYear() === Number(year) &&
		date.getUTCMonth() === Number(month) - 1 &&
		date.getUTCDate() === Number(day)
	);
}

/**
 * A moment read from a Luxon DateTime, a JavaScript Date or ISO 8601 text. `date` is its
 * calendar day as written (its own time zone's day; a JavaScript Date's UTC day); `dateTime`
 * the ISO date-time as given (Luxon's own offset kept), absent when only a date was given.
 */
export function readInstant(value: unknown): { date: string; dateTime?: string } | undefined {
	const carried = carriedDateTime(value);
	if (carried !== undefined) return readInstant(carried);
	if (value instanceof Date) {
		if (!Number.isFinite(value.getTime())) return undefined;
		const dateTime = value.toISOString();
		return { date: dateTime.slice(0, 10), dateTime };
	}
	const luxon = luxonIso(value, 'toISO');
	if (luxon !== undefined)
		return { date: luxonIso(value, 'toISODate') ?? luxon.slice(0, 10), dateTime: luxon };
	if (typeof value !== 'string') return undefined;
	const text = value.trim();
	const dateOnly = ISO_DATE.exec(text);
	if (dateOnly)
		return isRealDate(dateOnly[1], dateOnly[2], dateOnly[3]) ? { date: text } : undefined;
	const stamp = ISO_DATE_TIME.exec(text);
	const dateTime = text.replace(' ', 'T');
	if (!stamp || !isRealDate(stamp[1], stamp[2], stamp[3]) || Number.isNaN(Date.parse(dateTime)))
		return undefined;
	return { date: text.slice(0, 10), dateTime };
}

/** One of an enum's values: Sage's exact value, or one that differs only in case. */
export function matchEnum(values: readonly string[], value: unknown): string | undefined {
	const text = typeof value === 'string' ? value.trim() : readText(value);
	if (text === undefined) return undefined;
	return (
		values.find((entry) => entry === text) ??
		values.find((entry) => entry.toLowerCase() === text.toLowerCase())
	);
}

/** A reference as written (`#<natural key>`, a key, an `_id`): non-empty text trimmed, or a whole number. */
export function readReference(value: unknown): string | undefined {
	if (typeof value === 'number' && Number.isInteger(value)) return String(value);
	if (typeof value === 'string' && value.trim()) return value.trim();
	return undefined;
}
