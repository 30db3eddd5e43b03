import type {
	FieldType,
	ILoadOptionsFunctions,
	ResourceMapperField,
	ResourceMapperFields,
} from 'n8n-workflow';

import { startArguments, type ArgumentKind } from '../../../sage-client/documents';
import { toNodeError } from '../errors';
import { SageSession } from '../session';
import { labelOf } from '../../../sage-client/fields/labels';

const MAPPER_TYPE: Record<ArgumentKind, FieldType> = {
	string: 'string',
	number: 'number',
	boolean: 'boolean',
	date: 'dateTime',
	enum: 'options',
	object: 'object',
	list: 'array',
};

/**
 * The start mutation's arguments of the picked asynchronous operation, for the field mapper
 * of Start and Wait and Start: loaded with the operation's schema (targeted introspection,
 * cached for the process). No operation picked yet: no fields.
 */
export async function getStartArguments(
	this: ILoadOptionsFunctions,
): Promise<ResourceMapperFields> {
	const value = this.getCurrentNodeParameter('asyncOperation', { extractValue: true }) as unknown;
	const name = typeof value === 'string' ? value.trim() : '';
	if (!name || name.startsWith('=')) return { fields: [] };
	try {
		const session = await SageSession.open(this);
		const { info } = await session.asyncOperationSchema({ name });
		return { fields: startArguments(info).map(mapperField) };
	} catch (error) {
		throw toNodeError(this.getNode(), error, { doing: `Could not list the arguments of ${name}` });
	}
}

function mapperField(arg: ReturnType<typeof startArguments>[number]): ResourceMapperField {
	return {
		id: arg.name,
		displayName: labelOf(arg.name),
		required: arg.required,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: MAPPER_TYPE[arg.kind],
		...(arg.enumValues
			? { options: arg.enumValues.map((option) => ({ name: option, value: option })) }
			: {}),
	};
}
