import type { ILoadOptionsFunctions, ResourceMapperFields } from 'n8n-workflow';

import { toNodeError } from '../../../../shared/errors';
import { SageSession } from '../../../../shared/session';
import type { ReferenceMode } from './convert';
import { mapperFields, type MapperOperation } from './fields';

const OPERATIONS: ReadonlySet<string> = new Set(['create', 'update', 'upsert', 'updateMany']);

/**
 * `methods.resourceMapping.getMappingFields`: the field mapper's fields for the Record Type
 * and operation of the node being edited, from the targeted schema the operations load
 * (kept for the process: reopening the panel costs no request).
 */
export async function getMappingFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const recordType = String(
		this.getNodeParameter('recordType', undefined, { extractValue: true }) ?? '',
	).trim();
	const operation = String(this.getNodeParameter('operation', undefined) ?? '');
	if (!recordType || !OPERATIONS.has(operation))
		return { fields: [], emptyFieldsNotice: 'Pick a record type first' };
	const references = (this.getNodeParameter('references', undefined) ??
		'naturalKey') as ReferenceMode;
	try {
		const session = await SageSession.open(this);
		const fields = await session.recordFields(recordType);
		return { fields: mapperFields(fields, operation as MapperOperation, references) };
	} catch (error) {
		throw toNodeError(this.getNode(), error, {
			doing: `Could not load the fields of ${recordType}`,
		});
	}
}
