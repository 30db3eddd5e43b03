/**
 * The record type whose records have a GraphQL type, by Sage's naming (`Customer` ->
 * `*.customer`), among the tenant's record types: only when exactly one name fits. For a
 * target the field layer could not name (a reference two levels down, before the tenant's
 * list was loaded): the filter builder follows such paths with it.
 */
export function recordTypeByTypeName(
	typeName: string,
	recordTypeNames: readonly string[],
): string | undefined {
	if (!typeName) return undefined;
	const node = typeName[0].toLowerCase() + typeName.slice(1);
	const fitting = recordTypeNames.filter((name) => name.split('.')[1] === node);
	return fitting.length === 1 ? fitting[0] : undefined;
}
