import type {
	INodeParameters,
	INodePropertyOptions,
	INodeType,
	ResourceMapperFields,
} from 'n8n-workflow';

import { editorContext, SAGE_NODE, type NodeEnv } from './fixture';

/**
 * The editor's lists of the Sage ERP node (loadOptions and resourceMapping methods), asked
 * as n8n asks them, with the node's current parameters and the path of the parameter being
 * filled (`values.value[0].field` inside a collection, so that `&aggregations` reads its
 * sibling). Version 2, the default for new nodes, unless told.
 */
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
	return await load.call(editorContext(env, parameters, path, { typeVersion }));
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
	return await load.call(editorContext(env, parameters, path, { typeVersion }));
}
