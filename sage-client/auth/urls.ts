import { SageConfigError } from '../transport/errors';

// Loopback hosts are the only ones where plain http cannot expose a secret on the wire.
function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
	return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Parses a URL that a secret or token will be sent to, refusing anything but https,
 * or http on a loopback host. `what` names the field for the message ("Token URL").
 */
export function checkSecureUrl(value: unknown, what: string, hint: string): URL {
	if (typeof value !== 'string' || value.trim() === '') {
		throw new SageConfigError(`The ${what} is empty.`, hint);
	}
	let url: URL;
	try {
		url = new URL(value.trim());
	} catch {
		throw new SageConfigError(`The ${what} "${value}" is not a valid URL.`, hint);
	}
	if (url.protocol === 'https:') return url;
	if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
	if (url.protocol === 'http:') {
		throw new SageConfigError(
			`The ${what} uses plain http:// on a non-local host (${url.host}); nothing was sent. Use https://.`,
			'Plain http:// is only accepted for localhost, 127.0.0.0/8 and ::1.',
		);
	}
	throw new SageConfigError(`The ${what} must start with https:// (got ${url.protocol}).`, hint);
}
