// Draws a certificate as a one-page PDF with pdfkit: who completed what and when, and how anyone can
// check it (the verification code and the URL of the public verification page).
import PDFDocument from 'pdfkit';

export interface CertificateContent {
  learnerName: string;
  courseTitle: string;
  completedAt: Date;
  code: string;
  verifyUrl: string;
}

const dateOnly = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'long' });

/** The PDF's bytes. pdfkit's standard fonts cover Latin-1; other scripts need an embedded font. */
export function renderCertificatePdf(c: CertificateContent): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4', layout: 'landscape', margin: 72,
    info: { Title: `Certificate: ${c.courseTitle}`, Subject: c.learnerName, Keywords: c.code, CreationDate: c.completedAt },
  });
  const done = collect(doc);
  draw(doc, c);
  doc.end();
  return done;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

function draw(doc: PDFKit.PDFDocument, c: CertificateContent): void {
  const width = doc.page.width - 144;
  const centred = { width, align: 'center' as const };
  doc.rect(36, 36, doc.page.width - 72, doc.page.height - 72).lineWidth(2).stroke('#1f3a5f');
  doc.moveDown(2).font('Helvetica').fontSize(16).fillColor('#444444').text('Certificate of completion', 72, doc.y, centred);
  doc.moveDown(1.5).fontSize(12).text('This certifies that', centred);
  doc.moveDown(0.5).font('Helvetica-Bold').fontSize(30).fillColor('#111111').text(c.learnerName, centred);
  doc.moveDown(0.5).font('Helvetica').fontSize(12).fillColor('#444444').text('has completed the course', centred);
  doc.moveDown(0.5).font('Helvetica-Bold').fontSize(22).fillColor('#111111').text(c.courseTitle, centred);
  doc.moveDown(1).font('Helvetica').fontSize(12).fillColor('#444444').text(`on ${dateOnly.format(c.completedAt)}`, centred);
  doc.font('Helvetica').fontSize(10).fillColor('#444444')
    .text(`Verification code: ${c.code}`, 72, doc.page.height - 130, centred)
    .text(`Check it at ${c.verifyUrl}`, centred);
}
