import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { n8nTransport } from '../n8n-transport/transport';
import {
	credentialTestRequest,
	exchangeForCredential,
} from '../sage-client/auth/credential-session';
import { tokenManager } from '../sage-client/process-wide';

/**
 * Client id, secret and tenant in; a cached, self-renewing bearer token out.
 * `preAuthentication` fills the hidden, expirable `accessToken` and `graphqlUrl` so that
 * n8n's HTTP Request node can use this credential on any Sage URL; the Sage ERP nodes use
 * the same process-wide token cache directly. "Test" is a declarative request: n8n runs
 * `preAuthentication` first when no token is stored (the exchange, whose failures come
 * back as plain sentences), then sends the test request, which n8n resolves before the
 * exchange. So the request names a placeholder that `authenticate`, which runs after it,
 * turns into the real check: `__typename` from the tenant's GraphQL URL when the stored
 * token was issued for the values in the form, else the exchange of those values.
 */
const TEST_PLACEHOLDER = 'https://credential-test.sage-erp.invalid/';

export class SageErpApi implements ICredentialType {
	name = 'sageErpApi';

	displayName = 'Sage ERP API';

	icon = {
		light: 'file:../nodes/SageErp/sageErp.svg',
		dark: 'file:../nodes/SageErp/sageErp.dark.svg',
	} as const;

	documentationUrl = 'https://github.com/n8n-nodes-sage-erp/n8n-nodes-sage-erp#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Token URL',
			name: 'tokenUrl',
			type: 'string',
			default: 'https://api.erp.sage.com/v1/token',
			required: true,
			description:
				'Sage’s token endpoint. Regional hosts such as https://api.eu.erp.sage.com/v1/token go here.',
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
					description:
						'Form-encoded grant_type=client_credentials with scope=tenantid:&lt;tenant&gt;',
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
		{
			// A fingerprint (a hash, never the secret) of the values the stored token was issued for.
			displayName: 'Issued For',
			name: 'issuedFor',
			type: 'hidden',
			default: '',
		},
	];

	async preAuthentication(
		this: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
	): Promise<IDataObject> {
		return await exchangeForCredential(
			credentials,
			n8nTransport(this, credentials),
			tokenManager(),
		);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (requestOptions.url === TEST_PLACEHOLDER) {
			const { url, headers, body } = credentialTestRequest(credentials);
			return { ...requestOptions, url, headers, body, json: false };
		}
		const headers = {
			...requestOptions.headers,
			Authorization: `Bearer ${String(credentials.accessToken ?? '')}`,
		};
		return { ...requestOptions, headers };
	}

	test: ICredentialTestRequest = {
		request: { url: TEST_PLACEHOLDER, method: 'POST' },
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Sage refused these credentials (HTTP 401). Check the Client ID and Client Secret of the Sage ERP API credential.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message:
						'Sage refused access (HTTP 403). Check the Tenant ID, and that the app is authorised for that tenant.',
				},
			},
		],
	};
}
