import { SageDocumentError } from '../transport/errors';
import { argumentOf, type RecordTypeInfo, type SageSchema } from '../schema/schema';
import { buildMutationDocument, recordSelection, type MutationDocument } from './record-documents';

/** Create or Update: creates and updates of one record type in one request. */

export interface UpsertDocument extends MutationDocument {
	/** What each alias does, in order. */
	kinds: Array<'create' | 'update'>;
}

/**
 * `mutation SageErpUpsert($d0: Customer_Input!, $d1: Customer_Input!) { pkg { node { m0: create(data: $d0) {...} m1: update(data: $d1) {...} } } }`:
 * one alias per record, each applied on its own, as in record-documents.ts.
 */
export function buildUpsertDocument(
	schema: SageSchema,
	info: RecordTypeInfo,
	kinds: Array<'create' | 'update'>,
	fields: string | undefined,
): UpsertDocument {
	// Checks that both mutations exist and that Fields fits the record type.
	for (const kind of new Set(kinds)) buildMutationDocument(schema, info, kind, 1, fields);
	const argumentType = (kind: 'create' | 'update') => {
		const argument = argumentOf(info.mutations[kind]!, 'data');
		if (!argument)
			throw new SageDocumentError(
				`The record type ${info.recordType} cannot be ${kind}d through the API of this Sage tenant.`,
				undefined,
				'Record Type',
			);
		return argument;
	};
	const selection = recordSelection(info, fields);
	const aliases = kinds.map((_, index) => `m${index}`);
	const variableName = (index: number) => `d${index}`;
	const declarations = kinds
		.map((kind, index) => `$${variableName(index)}: ${String(argumentType(kind).type)}`)
		.join(', ');
	const calls = kinds
		.map(
			(kind, index) =>
				`${aliases[index]}: ${info.mutations[kind]!.name}(${argumentType(kind).name}: $${variableName(index)}) ${selection}`,
		)
		.join(' ');
	const operationName = 'SageErpUpsert';
	const text = `mutation ${operationName}(${declarations}) { ${info.packageName} { ${info.nodeName} { ${calls} } } }`;
	return {
		text,
		operationName,
		path: [info.packageName, info.nodeName],
		aliases,
		variableName,
		argumentName: 'data',
		returnsRecord: true,
		kinds,
	};
}
