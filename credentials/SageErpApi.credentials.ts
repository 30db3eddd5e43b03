import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { n8nTransport } from '../nodes/shared/transport';
import { exchangeForCredential } from '../sage-client/credential-session';

/**
 * Client id, secret and tenant in; a cached, self-renewing bearer token out.
 * `preAuthentication` fills the hidden, expirable `accessToken` and `graphqlUrl` so that
 * n8n's HTTP Request node can use this credential on any Sage URL; the Sage ERP nodes use
 * the same process-wide token cache directly. "Test" is a declarative request: n8n runs
 * `preAuthentication` first (the exchange, whose failures come back as plain sentences),
 * then asks the tenant's GraphQL URL for `__typename`. n8n resolves a test request's URL
 * before the exchange, so the request names the GraphQL URL by a placeholder that
 * `authenticate`, which runs after it, replaces with the URL the token answer gave.
 */
const GRAPHQL_URL_PLACEHOLDER = 'https://graphql-url.sage-erp.invalid/';

export class SageErpApi implements ICredentialType {
	name = 'sageErpApi';

	displayName = 'Sage ERP API';

	icon = { light: 'file:../nodes/SageErp/sageErp.svg', dark: 'file:../nodes/SageErp/sageErp.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-sage-erp/n8n-nodes-sage-erp#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: 'https://api.erp.sage.com/v1/token',
			required: true,
			description: 'Sage’s token endpoint. Regional hosts such as https://api.eu.erp.sage.com/v1/token go here.',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'The Client ID of the app in Sage’s app registry',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret key of the app in Sage’s app registry',
		},
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			description: 'The ID of the Sage tenant to connect to',
		},
		{
			displayName: 'Request Format',
			name: 'requestFormat',
			type: 'options',
			options: [
				{
					name: 'JSON (Documented Form)',
					value: 'json',
					description: 'POST {"clientId","clientSecret","tenantId"} as JSON',
				},
				{
					name: 'OAuth2 Client Credentials',
					value: 'oauth2',
					description: 'Form-encoded grant_type=client_credentials with scope=tenantid:&lt;tenant&gt;',
				},
			],
			default: 'json',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'GraphQL URL',
			name: 'graphqlUrl',
			type: 'hidden',
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
		return await exchangeForCredential(credentials, n8nTransport(this, credentials));
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const url = requestOptions.url === GRAPHQL_URL_PLACEHOLDER ? String(credentials.graphqlUrl ?? '') : requestOptions.url;
		const headers = { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.accessToken ?? '')}` };
		return { ...requestOptions, url, headers };
	}

	test: ICredentialTestRequest = {
		request: {
			url: GRAPHQL_URL_PLACEHOLDER,
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			body: { query: '{ __typename }' },
			json: true,
		},
	};
}
