/**
 * A minimal, valid PDF 1.4 (Helvetica text, A4 pages, 50 lines a page) for the simulated
 * report generation: what a user downloads must open in a PDF reader, and its size and
 * first bytes are what the tests compare.
 */
const LINES_PER_PAGE = 50;

/** PDF string literals are bytes: accents are dropped, other non-ASCII becomes '?', and ( ) \ are escaped. */
function pdfText(text: string): string {
	const ascii = text
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^\x20-\x7e]/g, '?');
	return ascii.replace(/[\\()]/g, (c) => `\\${c}`);
}

export function buildPdf(title: string, lines: string[]): Buffer {
	const pages: string[][] = [];
	for (let i = 0; i < Math.max(1, lines.length); i += LINES_PER_PAGE)
		pages.push(lines.slice(i, i + LINES_PER_PAGE));
	// Objects: 1 catalog, 2 pages, 3 font, then a page and its content stream per page.
	const objects: string[] = [];
	const pageIds = pages.map((_, index) => 4 + index * 2);
	objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
	objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
	objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
	pages.forEach((pageLines, index) => {
		const text = [
			`(${pdfText(index === 0 ? title : `${title} (page ${index + 1})`)}) Tj T* T*`,
			...pageLines.map((line) => `(${pdfText(line)}) Tj T*`),
		];
		const stream = `BT /F1 10 Tf 14 TL 50 800 Td\n${text.join('\n')}\nET`;
		objects[pageIds[index]] =
			`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[index] + 1} 0 R >>`;
		objects[pageIds[index] + 1] =
			`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`;
	});
	let body = '%PDF-1.4\n';
	const offsets: number[] = [];
	for (let id = 1; id < objects.length; id++) {
		offsets[id] = Buffer.byteLength(body, 'latin1');
		body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
	}
	const xref = Buffer.byteLength(body, 'latin1');
	body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
	for (let id = 1; id < objects.length; id++)
		body += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
	body += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(body, 'latin1');
}
