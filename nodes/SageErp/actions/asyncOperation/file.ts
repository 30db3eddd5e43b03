import { isObject } from '../common/items';

/**
 * Whether an asynchronous operation's result names a file, and where. Sage's guides show a
 * report result as `key filename mimeType contentLength ...`; the link's name is not
 * documented, so the usual spellings are taken, first one found wins.
 */
const URL_KEYS = ['downloadUrl', 'downloadURL', 'fileUrl', 'url', 'href', 'link'];
const NAME_KEYS = ['filename', 'fileName', 'name'];
const TYPE_KEYS = ['mimeType', 'mimetype', 'contentType'];
const LENGTH_KEYS = ['contentLength', 'size', 'fileSize'];

export interface NamedFile {
	url: string;
	fileName?: string;
	mimeType?: string;
	/** The size Sage announced, in bytes: a download of another size was cut (or padded) on the way. */
	contentLength?: number;
}

export function fileOf(answer: unknown): NamedFile | undefined {
	// Some asynchronous operations answer their result as JSON text rather than an object.
	const result = typeof answer === 'string' ? parsed(answer) : answer;
	if (!isObject(result)) return undefined;
	const text = (keys: string[]) =>
		keys
			.map((key) => result[key])
			.find((value): value is string => typeof value === 'string' && value.trim() !== '');
	const url = text(URL_KEYS);
	if (!url) return undefined;
	const contentLength = LENGTH_KEYS.map((key) => Number(result[key])).find(
		(value) => Number.isSafeInteger(value) && value >= 0,
	);
	return { url, fileName: text(NAME_KEYS), mimeType: text(TYPE_KEYS), contentLength };
}

function parsed(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}
