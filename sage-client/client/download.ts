import {
	SageAuthError,
	SageNetworkError,
	SageRefusedError,
	SageResponseError,
} from '../transport/errors';
import { headerText, type HttpResponse } from '../transport/http';

/**
 * Files that Sage's answers name (an asynchronous report's `downloadUrl`), fetched with the
 * same bearer token as GraphQL. The token goes only to the GraphQL URL's own origin: a link
 * to any other host is refused before anything is sent, so an answer can never lead the
 * token elsewhere (the same reason the client follows no redirect).
 */

export interface DownloadRequest {
	/** Absolute, or relative to the GraphQL URL. */
	url: string;
	timeoutMs?: number;
	signal?: AbortSignal;
}

export interface DownloadedFile {
	bytes: Uint8Array;
	/** From Content-Type, without parameters; undefined when Sage sent none. */
	mimeType?: string;
	/** From Content-Disposition, else the link's last path segment. */
	fileName?: string;
}

/** The link as an absolute URL on the GraphQL URL's origin, or the refusal saying why not. */
export function downloadTarget(link: string, graphqlUrl: string): URL {
	let target: URL;
	try {
		target = new URL(link, graphqlUrl);
	} catch {
		throw new SageResponseError(`Sage named a file at "${link}", which is not a URL.`);
	}
	const api = new URL(graphqlUrl);
	if (target.origin !== api.origin) {
		throw new SageRefusedError(
			`Sage named a file on ${target.origin}, not on the host of its GraphQL URL (${api.origin}); the access token is sent only there, so the file was not downloaded.`,
			{
				hint: 'Turn off Options > Download File to get the link in the output, and fetch it in a way you trust for that host.',
			},
		);
	}
	return target;
}

/** The file of a 200 answer, or the error its status means. */
export function readDownload(response: HttpResponse, target: URL): DownloadedFile {
	const { status } = response;
	if (status === 200) {
		const type = headerText(response.headers['content-type']).split(';')[0].trim();
		return {
			bytes: response.bytes ?? new TextEncoder().encode(response.body),
			mimeType: type || undefined,
			fileName:
				fileNameOf(headerText(response.headers['content-disposition'])) ?? lastSegment(target),
		};
	}
	if (status === 403) {
		throw new SageAuthError('Sage refused access to the file (HTTP 403).', {
			httpStatus: status,
			hint: 'Check that the app registration of the Sage ERP API credential is allowed this data.',
		});
	}
	if (status === 404 || status === 410) {
		throw new SageResponseError(
			`Sage has no file at the link it gave (HTTP ${status}); the link may have expired.`,
			{
				httpStatus: status,
				hint: 'Run the operation again to get a new link.',
			},
		);
	}
	if (status === 429 || status >= 500) {
		throw new SageNetworkError(
			`Sage answered HTTP ${status} to the file download after ${response.attempts} attempt(s).`,
			{
				httpStatus: status,
				hint: 'Sage may be busy or unavailable; try again later.',
			},
		);
	}
	throw new SageResponseError(`Sage answered HTTP ${status} to the file download.`, {
		httpStatus: status,
	});
}

/** `attachment; filename="report.pdf"` or `filename*=UTF-8''r%C3%A9sum%C3%A9.pdf` -> the name. */
function fileNameOf(disposition: string): string | undefined {
	const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition);
	if (extended) {
		try {
			return decodeURIComponent(extended[2].trim());
		} catch {
			// a malformed escape: fall back to the plain filename
		}
	}
	const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
	const name = plain ? (plain[2] ?? plain[1]).trim() : '';
	return name || undefined;
}

function lastSegment(target: URL): string | undefined {
	const segment = target.pathname.split('/').filter(Boolean).pop();
	return segment ? decodeURIComponent(segment) : undefined;
}
