import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadReport } from '../reportTypes.js';
import { renderReportHtml } from './reportHtml.js';

/** Writes `report.json` and the self-contained `report.html` into `outDir`. */
export function writeReport(report: LoadReport, outDir: string): { json: string; html: string } {
  const json = join(outDir, 'report.json');
  const html = join(outDir, 'report.html');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(html, renderReportHtml(report));
  return { json, html };
}
