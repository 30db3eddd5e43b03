import { NodeOperationError, type INode } from 'n8n-workflow';

/** A trigger parameter that is wrong before anything is sent. */
export function settingError(
	node: INode,
	message: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(node, message, { description });
}
