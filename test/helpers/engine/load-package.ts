/**
 * Loads an n8n community package directory the way n8n does: n8n-core's
 * `PackageDirectoryLoader` on the package root, driven by package.json's `n8n` section.
 * Node types are addressed as `<package name>.<node name>`, like n8n's
 * LoadNodesAndCredentials does for installed community packages.
 */
import path from 'node:path';
import { PackageDirectoryLoader } from 'n8n-core';
import type {
	ICredentialType,
	ICredentialTypes,
	IDataObject,
	INodeExecutionData,
	IExecuteFunctions,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IVersionedNodeType,
	KnownNodesAndCredentials,
} from 'n8n-workflow';
import { ApplicationError, NodeHelpers } from 'n8n-workflow';

import { ensureEnvironment } from './environment';

/**
 * Stand-in for n8n-nodes-base's "No Operation" node (which is not installed here). It is
 * used (a) as the implicit "Input" node that hands the test's items to the first node and
 * (b) as the node type n8n's CredentialsTester builds its temporary test node from.
 */
export const NOOP_NODE_TYPE = 'n8n-nodes-base.noOp';

class NoOpNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'No Operation, do nothing',
		// As in n8n 2.x, the loaded class keeps its short name; only the workflow uses the prefix.
		name: 'noOp',
		group: ['organization'],
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

export interface LoadedPackage {
	/** npm name, the node type prefix (`n8n-nodes-sage-erp`). */
	packageName: string;
	packageVersion: string;
	/** Real path of the package root. */
	directory: string;
	/** The n8n-core loader itself (its `known`, `nodeTypes`, `credentialTypes` are keyed by short name). */
	loader: PackageDirectoryLoader;
	/** INodeTypes over `<package>.<node>` names (plus `n8n-nodes-base.noOp`). */
	nodeTypes: INodeTypes;
	/** ICredentialTypes as n8n's CredentialTypes service exposes them. */
	credentialTypes: ICredentialTypes;
	/** What n8n sends to the editor (`types/nodes.json`): descriptions with full names, codex, iconUrl. */
	nodeDescriptions: INodeTypeDescription[];
	/** Credential types as the editor gets them: `supportedNodes` with full node names, iconUrl. */
	credentialDescriptions: Array<ICredentialType & { supportedNodes?: string[] }>;
	/** `known` with full node names and absolute source paths (as LoadNodesAndCredentials.known). */
	known: KnownNodesAndCredentials;
	/** Full type names of the package's nodes, e.g. `n8n-nodes-sage-erp.sageErp`. */
	nodeTypeNames: string[];
	/** The loaded node class instance (INodeType or VersionedNodeType) for a full or short name. */
	getNodeType(type: string): INodeType | IVersionedNodeType;
	/** The loaded credential class instance. */
	getCredentialType(name: string): ICredentialType;
}

function splitType(fullType: string): { pkg: string; name: string } {
	const dot = fullType.lastIndexOf('.');
	return { pkg: fullType.slice(0, dot), name: fullType.slice(dot + 1) };
}

/**
 * The AI tool variant n8n makes of a node with `usableAsTool` (`<package>.<node>Tool`), as
 * n8n's NodeTypes builds it on demand: the same node, no main input, one `ai_tool` output,
 * and n8n's "Description" parameter unless the node declares its own `toolDescription`.
 */
function toolVariant(base: INodeType | IVersionedNodeType, toolName: string): INodeType {
	if ('nodeVersions' in base || !(base as INodeType).description.usableAsTool) {
		throw new ApplicationError(
			`${toolName}: only a plain node with usableAsTool has a tool variant here`,
		);
	}
	const { description } = base as INodeType;
	const properties = description.properties.some((property) => property.name === 'toolDescription')
		? description.properties
		: [
				{
					displayName: 'Description',
					name: 'toolDescription',
					type: 'string' as const,
					default: description.description,
					required: true,
				},
				...description.properties,
			];
	const toolDescription: INodeTypeDescription = {
		...description,
		name: toolName,
		displayName: `${description.displayName} Tool`,
		inputs: [],
		outputs: ['ai_tool'],
		properties,
	};
	delete toolDescription.usableAsTool;
	return Object.create(base, { description: { value: toolDescription } }) as INodeType;
}

/** `<package>.<node>` (or a short name) -> the loaded node, its tool variant, noOp or an extra type. */
function nodeTypeResolver(
	loader: PackageDirectoryLoader,
	extraNodeTypes: Record<string, INodeType>,
): (type: string) => INodeType | IVersionedNodeType {
	const { packageName } = loader;
	const noOp = new NoOpNode();
	const toolVariants = new Map<string, INodeType>();
	return (type) => {
		if (type === NOOP_NODE_TYPE) return noOp;
		if (extraNodeTypes[type]) return extraNodeTypes[type];
		const { pkg, name } = type.includes('.') ? splitType(type) : { pkg: packageName, name: type };
		if (pkg !== packageName) {
			throw new ApplicationError(`Unrecognized node type: ${type}`, {
				extra: { hint: `this engine loaded only the package "${packageName}"` },
			});
		}
		if (name.endsWith('Tool') && !(name in loader.known.nodes)) {
			if (!toolVariants.has(name))
				toolVariants.set(
					name,
					toolVariant(loader.getNode(name.slice(0, -'Tool'.length)).type, name),
				);
			return toolVariants.get(name) as INodeType;
		}
		return loader.getNode(name).type;
	};
}

export async function loadPackage(
	packageDir: string,
	options: { extraNodeTypes?: Record<string, INodeType> } = {},
): Promise<LoadedPackage> {
	ensureEnvironment();
	const loader = new PackageDirectoryLoader(path.resolve(packageDir));
	await loader.loadAll();
	const { packageName, directory } = loader;
	const packageVersion = String((loader.packageJson as unknown as IDataObject).version ?? '');
	const getNodeType = nodeTypeResolver(loader, options.extraNodeTypes ?? {});

	const known: KnownNodesAndCredentials = { nodes: {}, credentials: {} };
	for (const [name, details] of Object.entries(loader.known.nodes)) {
		known.nodes[`${packageName}.${name}`] = {
			...details,
			sourcePath: path.join(directory, details.sourcePath),
		};
	}
	for (const [name, details] of Object.entries(loader.known.credentials)) {
		known.credentials[name] = {
			...details,
			sourcePath: path.join(directory, details.sourcePath),
			supportedNodes: details.supportedNodes?.map((n) => `${packageName}.${n}`),
		};
	}

	const nodeTypes: INodeTypes = {
		getByName: (type) => getNodeType(type),
		getByNameAndVersion: (type, version) =>
			NodeHelpers.getVersionedNodeType(getNodeType(type), version),
		getKnownTypes: () => known.nodes as unknown as IDataObject,
	};

	const getCredentialType = (name: string): ICredentialType => loader.getCredential(name).type;
	const credentialTypes: ICredentialTypes = {
		recognizes: (name) => name in loader.known.credentials,
		getByName: getCredentialType,
		getSupportedNodes: (name) => known.credentials[name]?.supportedNodes ?? [],
		getParentTypes(name) {
			const parents: string[] = [];
			const visit = (n: string) => {
				const ext = loader.known.credentials[n]?.extends ?? [];
				for (const p of ext) {
					parents.push(p);
					visit(p);
				}
			};
			visit(name);
			return parents;
		},
	};

	return {
		packageName,
		packageVersion,
		directory,
		loader,
		nodeTypes,
		credentialTypes,
		nodeDescriptions: loader.types.nodes.map((d) => ({ ...d, name: `${packageName}.${d.name}` })),
		credentialDescriptions: loader.types.credentials.map((c) => ({
			...c,
			supportedNodes: known.credentials[c.name]?.supportedNodes,
		})),
		known,
		nodeTypeNames: Object.keys(known.nodes),
		getNodeType,
		getCredentialType,
	};
}
