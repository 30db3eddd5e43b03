import { LoadOptionsContext } from 'n8n-core';
import type {
	INode,
	INodeParameters,
	INodePropertyOptions,
	INodeType,
	IWorkflowExecuteAdditionalData,
	ResourceMapperFields,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { NODE_NAME, SAGE_NODE, type NodeEnv } from './fixture';

/**
 * The editor's lists of the Sage ERP node (loadOptions and resourceMapping methods), asked
 * as n8n asks them: n8n-core's own LoadOptionsContext, with the node's current parameters
 * and the path of the parameter being filled (`parameters.values.value[0].field` inside a
 * collection, so that `&aggregations` reads its sibling).
 */
function contextFor(
	env: NodeEnv,
	parameters: INodeParameters,
	path: string,
	typeVersion: number,
): LoadOptionsContext {
	const node: INode = {
		id: 'load-options',
		name: NODE_NAME,
		type: SAGE_NODE,
		typeVersion,
		position: [0, 0],
		parameters,
		credentials: { sageErpApi: { id: 'sage-cred-1', name: 'Sage ERP account' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: env.pkg.nodeTypes,
	});
	const additionalData = (
		env.engine as unknown as { additionalData(o: object): IWorkflowExecuteAdditionalData }
	).additionalData({});
	additionalData.currentNodeParameters = parameters;
	return new LoadOptionsContext(workflow, node, additionalData, `parameters.${path}`);
}

const methodsOf = (env: NodeEnv) => (env.pkg.getNodeType(SAGE_NODE) as INodeType).methods;

export async function loadOptions(
	env: NodeEnv,
	method: string,
	parameters: INodeParameters,
	path: string,
	typeVersion = 2,
): Promise<INodePropertyOptions[]> {
	const load = methodsOf(env)?.loadOptions?.[method];
	if (!load) throw new Error(`loadOptions.${method} is missing`);
	return await load.call(contextFor(env, parameters, path, typeVersion));
}

export async function resourceMapping(
	env: NodeEnv,
	method: string,
	parameters: INodeParameters,
	path: string,
	typeVersion = 2,
): Promise<ResourceMapperFields> {
	const load = methodsOf(env)?.resourceMapping?.[method];
	if (!load) throw new Error(`resourceMapping.${method} is missing`);
	return await load.call(contextFor(env, parameters, path, typeVersion));
}
