/**
 * A filter or order written in Sage's own syntax (unquoted keys, single-quoted strings), the
 * way the README and Sage's documentation write it, so that the compiled filter a user is
 * shown can be copied into Sage Syntax as it is. The text is sent as a GraphQL variable: the
 * quoting here is Sage's filter language, never the GraphQL document's.
 */

export type SageValue =
	string | number | boolean | null | SageValue[] | { [key: string]: SageValue };

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const ESCAPED: Record<string, string> = {
	'\\': '\\\\',
	"'": "\\'",
	'\n': '\\n',
	'\r': '\\r',
	'\t': '\\t',
};

/** A single-quoted string: backslash, quote and control characters escaped. */
export function quoted(text: string): string {
	const body = text.replace(/[\\'\n\r\t]|[\u0000-\u001f\u2028\u2029]/g, (character) => {
		return ESCAPED[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
	});
	return `'${body}'`;
}

export function sageText(value: SageValue): string {
	if (value === null) return 'null';
	if (typeof value === 'string') return quoted(value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (Array.isArray(value)) return `[${value.map(sageText).join(', ')}]`;
	const entries = Object.entries(value).map(
		([key, inner]) => `${PLAIN_KEY.test(key) ? key : quoted(key)}: ${sageText(inner)}`,
	);
	return `{ ${entries.join(', ')} }`;
}
