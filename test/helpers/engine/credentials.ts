/**
 * A credentials store and a CredentialsHelper that behave like n8n's (packages/cli
 * `CredentialsHelper`) for what a community package exercises: defaults + expressions on
 * `getDecrypted`, generic and function `authenticate`, `preAuthentication` with the
 * `expirable` hidden property and write-back through `updateCredentials`.
 *
 * Credentials are kept encrypted with n8n's instance key, as n8n-core's `Credentials` class
 * stores them in n8n's database, so what a preAuthentication stores goes through the same
 * JSON round trip as in n8n, and n8n-core's own `Credentials` reads them back.
 */
import { Credentials, getAdditionalKeys } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsExpressionResolveValues,
	ICredentialTypes,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	INodeTypes,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import * as workflowPackage from 'n8n-workflow';
import {
	ApplicationError,
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	UserError,
	Workflow,
	isExpression,
} from 'n8n-workflow';

import { instanceCipher, withIsolate } from './compat';
import { NOOP_NODE_TYPE } from './load-package';

export interface StoredCredential {
	id: string;
	name: string;
	type: string;
	/** Encrypted, as in n8n's `credentials_entity.data`. */
	data: string;
}

export interface CredentialUpdate {
	id: string;
	type: string;
	/** What was written (decrypted copy). */
	data: ICredentialDataDecryptedObject;
	via: 'updateCredentials' | 'updateCredentialsOauthTokenData' | 'setCredential';
}

export class CredentialStore {
	private readonly byId = new Map<string, StoredCredential>();

	/** Every write made by n8n (preAuthentication write-back, OAuth token refresh) or by the test. */
	readonly updates: CredentialUpdate[] = [];

	put(
		type: string,
		data: ICredentialDataDecryptedObject,
		id: string,
		name: string,
		via: CredentialUpdate['via'] = 'setCredential',
	): StoredCredential {
		const stored: StoredCredential = {
			id,
			name,
			type,
			data: instanceCipher().encrypt(JSON.stringify(data)),
		};
		this.byId.set(id, stored);
		this.updates.push({ id, type, data: JSON.parse(JSON.stringify(data)), via });
		return stored;
	}

	findById(id: string): StoredCredential | undefined {
		return this.byId.get(id);
	}

	/** The (first) credential of a type; the engine keeps one per type by default. */
	findByType(type: string): StoredCredential | undefined {
		for (const c of this.byId.values()) if (c.type === type) return c;
		return undefined;
	}

	decrypt(stored: StoredCredential): ICredentialDataDecryptedObject {
		return JSON.parse(instanceCipher().decrypt(stored.data)) as ICredentialDataDecryptedObject;
	}

	delete(id: string): void {
		this.byId.delete(id);
	}
}

const mockNode: INode = {
	id: 'mock',
	name: '',
	typeVersion: 1,
	type: NOOP_NODE_TYPE,
	position: [0, 0],
	parameters: {},
};

type AllowedDomainsOf = (credentials: ICredentialDataDecryptedObject) => string | undefined;

/**
 * What n8n hands a preAuthentication as `this`: only `helpers.httpRequest` (not the node's whole
 * helper bag), and from 2.13 on (where n8n-workflow has getCredentialOwnRequestAllowedDomains)
 * restricted to the credential's own "Allowed Domains", as n8n's restrictToCredentialDomains does.
 */
function preAuthenticationHelpers(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): IHttpRequestHelper {
	const allowedDomainsOf = (
		workflowPackage as unknown as { getCredentialOwnRequestAllowedDomains?: AllowedDomainsOf }
	).getCredentialOwnRequestAllowedDomains;
	return {
		helpers: {
			httpRequest: async (opts: IHttpRequestOptions) => {
				const allowedDomains = allowedDomainsOf?.(credentials);
				if (allowedDomains === undefined) return await helpers.helpers.httpRequest(opts);
				if ((opts as { allowedDomains?: string }).allowedDomains !== undefined) {
					throw new UserError(
						'This credential restricts requests to specific domains, which cannot be combined with the domains its authentication step asks for.',
					);
				}
				return await helpers.helpers.httpRequest({
					...opts,
					allowedDomains,
				} as IHttpRequestOptions);
			},
		},
	};
}

export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: ICredentialTypes,
		private readonly nodeTypes: INodeTypes,
		readonly store: CredentialStore,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		return this.credentialTypes.getParentTypes(name);
	}

	/** n8n 2.13+ asks before every credential read: false only for a type restricted to its supported nodes. */
	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		let type: ReturnType<ICredentialTypes['getByName']>;
		try {
			type = this.credentialTypes.getByName(credentialType);
		} catch {
			return true;
		}
		if (!(type as { restrictToSupportedNodes?: boolean }).restrictToSupportedNodes) return true;
		return this.credentialTypes.getSupportedNodes(credentialType).includes(nodeType);
	}

	/** n8n 2.13+: OAuth helpers run a credential's preAuthentication unconditionally through this. */
	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		const output = await credentialType.preAuthentication.call(
			preAuthenticationHelpers(helpers, credentials),
			credentials,
		);
		return (output as ICredentialDataDecryptedObject | undefined) ?? undefined;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions;
		const credentialType = this.credentialTypes.getByName(typeName);
		if (!credentialType.authenticate) return requestOptions as IHttpRequestOptions;
		if (typeof credentialType.authenticate === 'function') {
			return await credentialType.authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (!workflow || !node) {
			throw new UnexpectedError(
				'Workflow and node are required for declarative credential authentication',
			);
		}
		const { authenticate } = credentialType;
		if (requestOptions.headers === undefined) requestOptions.headers = {};
		if (authenticate.type === 'generic') {
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
					const keyResolved = this.resolveValue(key, credentials, workflow, node);
					const valueResolved = this.resolveValue(value, credentials, workflow, node);
					const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
					if (!target[outerKey]) target[outerKey] = {};
					target[outerKey][keyResolved] = valueResolved;
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	private resolveValue(
		parameterValue: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(parameterValue)) return parameterValue;
		const value = workflow.expression.getSimpleParameterValue(
			node,
			parameterValue,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		if (!value) return '';
		return value.toString();
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.credentialTypes.getByName(typeName);
		const expirableProperty = credentialType.properties.find(
			(p) => p.type === 'hidden' && p?.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;

		// n8n treats its temporary credential-test node specially (always re-authenticate).
		const isTestingCredentials = node?.parameters?.temp === '' && node?.type === NOOP_NODE_TYPE;

		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (!(
			credentials[expirableProperty.name] === '' ||
			credentialsExpired ||
			isTestingCredentials
		)) {
			return undefined;
		}
		const output = (await credentialType.preAuthentication.call(
			preAuthenticationHelpers(helpers, credentials),
			credentials,
		)) as ICredentialDataDecryptedObject | undefined;
		// Without the expirable property in the output n8n stores nothing.
		if (!output || output[expirableProperty.name] === undefined) return undefined;

		if (node.credentials) {
			const nodeCredentials = node.credentials[credentialType.name];
			const stored = await (
				await this.getCredentials(nodeCredentials, credentialType.name)
			).getData();
			const toPersist: ICredentialDataDecryptedObject = { ...stored };
			for (const [key, value] of Object.entries(output)) {
				// Never overwrite a field the user stored as an expression with its resolved value.
				if (key === expirableProperty.name || !isExpression(stored[key])) toPersist[key] = value;
			}
			await this.updateCredentials(nodeCredentials, credentialType.name, toPersist);
			return Object.assign(credentials, output);
		}
		return undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		const stored = this.getEntity(nodeCredentials, type);
		return new Credentials({ id: stored.id, name: stored.name }, stored.type, stored.data);
	}

	private getEntity(
		nodeCredentials: INodeCredentialsDetails | undefined,
		type: string,
	): StoredCredential {
		if (!nodeCredentials?.id) {
			throw new ApplicationError(
				`Credential "${nodeCredentials?.name}" of type "${type}" has no ID.`,
			);
		}
		const stored = this.store.findById(nodeCredentials.id);
		if (!stored || stored.type !== type) {
			throw new ApplicationError(
				`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`,
			);
		}
		return stored;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.getEntity(nodeCredentials, type);
		const decrypted = this.store.decrypt(stored);
		if (raw === true) return decrypted;
		return await this.applyDefaultsAndOverwrites(
			additionalData,
			decrypted,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** Credential property defaults + expression resolution, as n8n does on every decrypt. */
	async applyDefaultsAndOverwrites(
		additionalData: IWorkflowExecuteAdditionalData,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credentialsProperties = this.getCredentialsProperties(type);
		let decryptedData = NodeHelpers.getNodeParameters(
			credentialsProperties,
			decryptedDataOriginal as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (decryptedDataOriginal.oauthTokenData !== undefined) {
			decryptedData.oauthTokenData = decryptedDataOriginal.oauthTokenData;
		}
		// `$secrets` in credential fields: n8n-core 2.11 calls the switch secretsEnabled, 2.13+ isCredential.
		const withSecrets = { secretsEnabled: true, isCredential: true };
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, withSecrets);
		if (expressionResolveValues) {
			try {
				decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
					decryptedData as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({
				nodes: [{ ...mockNode }],
				connections: {},
				active: false,
				nodeTypes: this.nodeTypes,
			});
			const data = decryptedData;
			decryptedData = await withIsolate(
				workflow,
				async () =>
					workflow.expression.getComplexParameterValue(
						mockNode,
						data as INodeParameters,
						mode,
						additionalKeys,
						undefined,
						undefined,
						data,
					) as ICredentialDataDecryptedObject,
			);
		}
		return decryptedData;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.getEntity(nodeCredentials, type);
		this.store.put(type, data, stored.id, stored.name, 'updateCredentials');
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.getEntity(nodeCredentials, type);
		const current = this.store.decrypt(stored);
		this.store.put(
			type,
			{ ...current, oauthTokenData: data.oauthTokenData },
			stored.id,
			stored.name,
			'updateCredentialsOauthTokenData',
		);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialTypeData = this.credentialTypes.getByName(type);
		if (credentialTypeData === undefined) {
			throw new UnexpectedError('Unknown credential type', { tags: { credentialType: type } });
		}
		if (credentialTypeData.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialTypeData.properties,
					{
						displayName: 'oauthTokenData',
						name: 'oauthTokenData',
						type: 'json',
						required: false,
						default: {},
					},
				];
			}
			return credentialTypeData.properties;
		}
		const combined: INodeProperties[] = [];
		for (const parent of credentialTypeData.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialTypeData.properties);
		return combined;
	}
}
