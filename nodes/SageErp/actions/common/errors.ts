import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { SageConfigError, SageError, SageGraphQLError, SageOutcomeUnknownError } from '../../transport/errors';
import { scrub } from '../../transport/secrets';

/**
 * Transport errors -> n8n errors: input problems found before sending become
 * NodeOperationError, anything Sage (or the way to it) answered becomes NodeApiError;
 * both keep the transport's message and carry its hint as description and the item index.
 */
export type NodeError = NodeApiError | NodeOperationError;

/** Bad input of one item: names the field and the item, nothing was sent. */
export function inputError(node: INode, message: string, itemIndex: number, description?: string): NodeOperationError {
	return new NodeOperationError(node, `${message} [item ${itemIndex}]`, { itemIndex, description });
}

export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	if (error instanceof SageConfigError) {
		return inputError(node, error.message, itemIndex, error.hint);
	}
	if (error instanceof SageError) {
		const message = `${error.message} [item ${itemIndex}]`;
		const response: JsonObject = { message, sageCode: error.code };
		if (error instanceof SageGraphQLError) response.errors = scrubbed(error.errors);
		const apiError = new NodeApiError(node, response, {
			message,
			description: error.hint,
			itemIndex,
			httpCode: error.httpStatus === undefined ? undefined : String(error.httpStatus),
		});
		// n8n swaps messages mentioning ECONNRESET & co. for generic ones; ours say more.
		apiError.message = message;
		if (error instanceof SageOutcomeUnknownError) apiError.context.outcomeUnknown = true;
		return apiError;
	}
	if (error instanceof Error) return new NodeOperationError(node, error, { itemIndex, message: `${scrub(error.message)} [item ${itemIndex}]` });
	return new NodeOperationError(node, `${scrub(String(error))} [item ${itemIndex}]`, { itemIndex });
}

/** A Sage `errors[]` answer as the node's error, with its message, paths and partial data. */
export function graphqlError(
	node: INode,
	message: string,
	itemIndex: number,
	details: { errors?: unknown[]; description?: string; data?: unknown } = {},
): NodeApiError {
	const text = `${message} [item ${itemIndex}]`;
	const response: JsonObject = { message: text };
	if (details.errors) response.errors = scrubbed(details.errors);
	const apiError = new NodeApiError(node, response, { message: text, description: details.description, itemIndex });
	apiError.message = text;
	return apiError;
}

/** The message of any error, as the `error` field of a "Continue On Fail" item (which names its item by pairedItem). */
export function errorText(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return scrub(text).replace(/ \[item \d+\]$/, '');
}

/** Sage's error entries as they go into the error's details, secrets scrubbed. */
function scrubbed(entries: unknown[]): JsonObject[] {
	return JSON.parse(scrub(JSON.stringify(entries))) as JsonObject[];
}
