import type { GraphQLObjectType } from 'graphql';

/**
 * A record type's natural key (the properties that `#…` names, joined with `|`), as its schema
 * states it. Sage's documentation says natural keys exist (`read(_id: "#FR001")`, several parts
 * joined with `|`) but not how the schema exposes them; we read a line `Natural key: a|b` in the
 * record type's description. Where the schema says nothing, the key is unknown: callers never
 * guess it from a field's name, since a wrong guess can create a record twice.
 */
const NATURAL_KEY_LINE = /^\s*Natural key:\s*([A-Za-z_][\w]*(?:\s*\|\s*[A-Za-z_][\w]*)*)\s*$/im;

export function naturalKeyOf(type: GraphQLObjectType): string[] | undefined {
	const match = NATURAL_KEY_LINE.exec(type.description ?? '');
	if (!match) return undefined;
	const parts = match[1].split('|').map((part) => part.trim());
	const fields = type.getFields();
	// A description naming a property the type does not have is not trusted.
	return parts.every((part) => part in fields) ? parts : undefined;
}
