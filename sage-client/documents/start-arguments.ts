import {
	getNamedType,
	isEnumType,
	isInputObjectType,
	isListType,
	isNonNullType,
	type GraphQLArgument,
	type GraphQLInputType,
} from 'graphql';

import type { AsyncOperationInfo } from '../schema/async-operations';
import { isNumericType } from './aggregate-documents';

/**
 * The arguments an asynchronous operation's start mutation takes, described for a form:
 * each with its kind, whether it must be given (non-null and without a default) and, for
 * an enum, its values. What the node's field mapper lists for Start and Wait and Start.
 */
export type ArgumentKind = 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'object' | 'list';

export interface StartArgument {
	name: string;
	kind: ArgumentKind;
	/** The GraphQL type as written in the schema (`String!`, `[ID]`). */
	typeName: string;
	required: boolean;
	enumValues?: string[];
	description?: string;
}

export function startArguments(info: AsyncOperationInfo): StartArgument[] {
	return info.start.args.map((arg) => ({
		name: arg.name,
		kind: kindOf(arg.type),
		typeName: String(arg.type),
		required: isRequired(arg),
		...enumValuesOf(arg.type),
		...(arg.description ? { description: arg.description } : {}),
	}));
}

const isRequired = (arg: GraphQLArgument) =>
	isNonNullType(arg.type) && arg.defaultValue === undefined;

function kindOf(type: GraphQLInputType): ArgumentKind {
	const inner = isNonNullType(type) ? type.ofType : type;
	if (isListType(inner)) return 'list';
	const named = getNamedType(inner);
	if (isEnumType(named)) return 'enum';
	if (isInputObjectType(named)) return 'object';
	if (named.name === 'Boolean') return 'boolean';
	if (isNumericType(named)) return 'number';
	if (/^date/i.test(named.name)) return 'date';
	return 'string';
}

function enumValuesOf(type: GraphQLInputType): { enumValues?: string[] } {
	const named = getNamedType(type);
	return isEnumType(named) ? { enumValues: named.getValues().map((value) => value.name) } : {};
}
