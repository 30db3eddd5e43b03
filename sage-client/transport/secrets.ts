/**
 * The process-wide list of values that must never leave the package: client secrets and
 * every access or refresh token seen. Every error message the transport builds passes
 * through `scrub`, so even a server that echoes a token back cannot leak it to a user.
 */
const REPLACEMENT = '[redacted]';
// Short values would turn ordinary words into "[redacted]"; real secrets and tokens are long.
const MIN_SECRET_LENGTH = 6;
const MAX_REMEMBERED = 5000;

const secrets = new Set<string>();

export function rememberSecret(value: string | undefined): void {
	if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
	if (secrets.size >= MAX_REMEMBERED) {
		// Oldest first: a Set iterates in insertion order, and the oldest tokens are long dead.
		const oldest = secrets.values().next().value;
		if (oldest !== undefined) secrets.delete(oldest);
	}
	secrets.add(value);
}

export function scrub(text: string): string {
	let result = text;
	for (const secret of secrets) {
		if (result.includes(secret)) result = result.split(secret).join(REPLACEMENT);
	}
	// Bearer headers quoted back by proxies or servers, whatever the token.
	return result.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, `$1${REPLACEMENT}`);
}
