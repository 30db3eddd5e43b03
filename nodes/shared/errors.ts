import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import type { SageErrorCode } from '../../sage-client/transport/errors';
import type { GraphQLErrorEntry } from '../../sage-client/transport/graphql';
import { scrub } from '../../sage-client/transport/secrets';

/**
 * The one place where the Sage client's errors become n8n errors, for the node, the trigger
 * and the credential alike: what was wrong before anything was sent (settings, policy)
 * becomes NodeOperationError, anything Sage or the way to it answered becomes NodeApiError.
 * Both keep the client's message, carry its hint as description, and name the item.
 * The client's errors are recognised by their `code`, not by class.
 */
export type NodeError = NodeApiError | NodeOperationError;

/** Where an error happened: the item, and for the trigger what it was doing ("Polling ..."). */
export interface ErrorPlace {
	itemIndex?: number;
	doing?: string;
}

interface ClientError extends Error {
	code: SageErrorCode;
	hint?: string;
	httpStatus?: number;
	errors?: GraphQLErrorEntry[];
}

const NOT_SENT_CODES: ReadonlySet<SageErrorCode> = new Set(['SAGE_CONFIG', 'SAGE_REFUSED']);

export function isClientError(error: unknown): error is ClientError {
	const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
	return typeof code === 'string' && code.startsWith('SAGE_');
}

/** "Polling ...: message [item 2]": the message as the user sees it. */
function placed(message: string, place: ErrorPlace): string {
	const doing = place.doing ? `${place.doing}: ` : '';
	const item = place.itemIndex === undefined ? '' : ` [item ${place.itemIndex}]`;
	return `${doing}${message}${item}`;
}

/** Bad input of one item: names the field and the item, nothing was sent. */
export function inputError(
	node: INode,
	message: string,
	itemIndex: number,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(node, placed(message, { itemIndex }), { itemIndex, description });
}

export function toNodeError(
	node: INode,
	error: unknown,
	place: ErrorPlace | number = {},
): NodeError {
	const where = typeof place === 'number' ? { itemIndex: place } : place;
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (where.itemIndex !== undefined) error.context.itemIndex ??= where.itemIndex;
		return error;
	}
	if (!isClientError(error)) {
		const text = placed(scrub(error instanceof Error ? error.message : String(error)), where);
		return error instanceof Error
			? new NodeOperationError(node, error, { itemIndex: where.itemIndex, message: text })
			: new NodeOperationError(node, text, { itemIndex: where.itemIndex });
	}
	const message = placed(error.message, where);
	if (NOT_SENT_CODES.has(error.code)) {
		return new NodeOperationError(node, message, {
			itemIndex: where.itemIndex,
			description: error.hint,
		});
	}
	const response: JsonObject = { message, sageCode: error.code };
	if (error.code === 'SAGE_GRAPHQL' && error.errors) response.errors = scrubbed(error.errors);
	const apiError = new NodeApiError(node, response, {
		message,
		description: error.hint,
		itemIndex: where.itemIndex,
		httpCode: error.httpStatus === undefined ? undefined : String(error.httpStatus),
	});
	// n8n swaps messages mentioning ECONNRESET & co. for generic ones; ours say more.
	apiError.message = message;
	if (error.code === 'SAGE_OUTCOME_UNKNOWN') apiError.context.outcomeUnknown = true;
	return apiError;
}

/** A Sage `errors[]` answer as the node's error, with its message, paths and partial data. */
export function graphqlError(
	node: INode,
	message: string,
	itemIndex: number,
	details: { errors?: unknown[]; description?: string; data?: unknown } = {},
): NodeApiError {
	const text = placed(message, { itemIndex });
	const response: JsonObject = { message: text };
	if (details.errors) response.errors = scrubbed(details.errors);
	const apiError = new NodeApiError(node, response, {
		message: text,
		description: details.description,
		itemIndex,
	});
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
