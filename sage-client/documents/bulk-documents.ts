import { SageDocumentError } from '../transport/errors';
import { argumentOf, type RecordTypeInfo, type SageSchema } from '../schema/schema';
import { nodeOperationField } from './node-fields';
import type { BuiltDocument } from './record-documents';

/** `mutation SageErpUpdateMany($filter: String, $data: Customer_Input!) { pkg { node { bulkUpdate(filter: $filter, data: $data) } } }` */
export function buildBulkUpdateDocument(schema: SageSchema, info: RecordTypeInfo): BuiltDocument {
	const field = nodeOperationField(schema, info, 'mutation', 'bulkUpdate');
	const filter = field && argumentOf(field, 'filter');
	const data = field?.args.find((arg) => arg.name === 'data');
	if (!field || !filter || !data) {
		throw new SageDocumentError(
			`The record type ${info.recordType} has no bulkUpdate in the API of this Sage tenant.`,
			'Use Get Many and then Update, one record per item.',
			'Record Type',
		);
	}
	const operationName = 'SageErpUpdateMany';
	const text =
		`mutation ${operationName}($filter: ${String(filter.type)}, $data: ${String(data.type)}) { ${info.packageName} { ${info.nodeName} { ` +
		`bulkUpdate(${filter.name}: $filter, data: $data) } } }`;
	return { text, operationName, path: [info.packageName, info.nodeName, 'bulkUpdate'] };
}
