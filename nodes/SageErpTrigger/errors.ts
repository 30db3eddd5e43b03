import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { SageConfigError, SageError, SageGraphQLError } from '../SageErp/transport/errors';
import { scrub } from '../SageErp/transport/secrets';

/**
 * Errors of a poll as n8n trigger errors: settings that are wrong before anything is sent
 * become NodeOperationError, anything Sage (or the way to it) answered becomes NodeApiError;
 * both carry the transport's hint as description. Transport messages are already free of
 * secrets; anything else is scrubbed here.
 */
export function toTriggerError(node: INode, error: unknown, doing: string): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof SageConfigError) {
		return new NodeOperationError(node, `${doing}: ${error.message}`, { description: error.hint });
	}
	if (error instanceof SageError) {
		const message = `${doing}: ${error.message}`;
		const response: JsonObject = { message, sageCode: error.code };
		if (error instanceof SageGraphQLError) response.errors = JSON.parse(scrub(JSON.stringify(error.errors))) as JsonObject[];
		const apiError = new NodeApiError(node, response, {
			message,
			description: error.hint,
			httpCode: error.httpStatus === undefined ? undefined : String(error.httpStatus),
		});
		// NodeApiError swaps messages that mention a status or a network code for generic ones; ours say more.
		apiError.message = message;
		return apiError;
	}
	const text = scrub(error instanceof Error ? error.message : String(error));
	return new NodeOperationError(node, `${doing}: ${text}`);
}

/** A parameter that is wrong before anything is sent. */
export function settingError(node: INode, message: string, description?: string): NodeOperationError {
	return new NodeOperationError(node, message, { description });
}
