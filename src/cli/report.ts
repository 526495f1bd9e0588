import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ChaosError, InputError } from '../errors';
import { compareWithBaseline, parseMaxRegression, type RegressionLimits } from '../report/baseline';
import { mergeReports } from '../report/merge';
import { renderMarkdown } from '../report/markdown';
import { reportJsonSchema, type Report } from '../report/model';
import {
  loadBaseline,
  loadReport,
  REPORT_WRITE_FAILED,
  writeFileAtomic,
  writeMetricsFile,
  writeReportDocuments,
} from '../report/run-directory';
import { renderTrendHtml, renderTrendMarkdown, trendSeries, type TrendRun } from '../report/trend';
import { EXIT } from './exit-codes';
import type { CommandContext } from './context';

export const REPORT_NO_INPUT = 'REPORT_NO_INPUT';
export const REPORT_OUT_REQUIRED = 'REPORT_OUT_REQUIRED';

function maxRegressionOption(value: string): RegressionLimits {
  try {
    return parseMaxRegression(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

interface ReportOptions {
  trend?: boolean;
  out?: string;
  schema?: boolean;
  baseline?: string;
  maxRegression?: RegressionLimits;
  quiet?: boolean;
  metrics?: string;
}

/** Trend runs: sorted by generatedAt when every report has one, else in the order given. */
function trendRuns(dirs: readonly string[]): TrendRun[] {
  const runs = dirs.map((d) => {
    const report = loadReport(d);
    return { label: report.generatedAt ?? path.basename(path.resolve(d)), report };
  });
  if (runs.every((r) => r.report.generatedAt !== null))
    runs.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return runs;
}

/**
 * `chaos report RUN_DIR... [--out DIR] [--baseline PATH] [--max-regression 10%,50ms] [--metrics
 * FILE]`: re-render report.md, junit.xml, report.html and journal.json from stored report.json
 * files without re-running (and the OpenMetrics text with --metrics); with --out, the run
 * directories (the shards of one suite; several need --out) merge into one suite report
 * (src/report/merge.ts). Exit 1 when the (merged) report failed, was interrupted or regressed.
 *
 * `chaos report --trend RUN_DIR... [--out DIR]`: a table and an SVG line per scenario over
 * the runs (trend.md, trend.html in DIR); prints the table.
 *
 * `chaos report --schema`: print the JSON Schema of report.json.
 */
export function registerReportCommand(program: Command, ctx: CommandContext): void {
  program
    .command('report')
    .description('re-render, merge (shards) or trend stored run reports')
    .argument('[runs...]', 'run directories (or report.json files)')
    .option('--trend', 'a trend over the runs instead of one report')
    .option('--out <dir>', 'where to write (default: the run directory, when only one)')
    .option('--baseline <path>', 'compare with this report.json or run directory')
    .option(
      '--max-regression <limits>',
      'regression when worse than the baseline by more than both (default 10%,50ms)',
      maxRegressionOption,
    )
    .option('--metrics <file>', 'also write the figures as OpenMetrics text')
    .option('--schema', 'print the JSON Schema of report.json')
    .option('--quiet', 'do not print the summary')
    .action((runs: string[], options: ReportOptions) => {
      if (options.schema) {
        ctx.io.stdout(`${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
        return;
      }
      if (runs.length === 0)
        throw new InputError(REPORT_NO_INPUT, 'chaos report needs at least one run directory');

      if (options.trend) {
        const series = trendSeries(trendRuns(runs));
        const md = renderTrendMarkdown(series);
        if (options.out !== undefined) {
          writeReportDirs(options.out);
          writeFileAtomic(path.join(options.out, 'trend.md'), md);
          writeFileAtomic(path.join(options.out, 'trend.html'), renderTrendHtml(series));
        }
        if (!options.quiet) ctx.io.stdout(md);
        return;
      }

      if (runs.length > 1 && options.out === undefined)
        throw new InputError(
          REPORT_OUT_REQUIRED,
          'merging several run directories needs --out DIR (where the suite report goes)',
        );
      const out = options.out ?? runs[0]!;
      const loaded = runs.map((r) => ({ report: loadReport(r), where: r }));
      const generatedAt =
        loaded.length === 1 ? (loaded[0]?.report.generatedAt ?? null) : new Date().toISOString();
      // In place (one directory, no --out): re-rendered as it is, a shard's report included.
      const inPlace = options.out === undefined;
      let report: Report = inPlace ? loaded[0]!.report : mergeReports(loaded, generatedAt);
      if (options.baseline !== undefined) {
        const baseline = loadBaseline(options.baseline);
        report = {
          ...report,
          baseline: compareWithBaseline(report, baseline, options.maxRegression, options.baseline),
        };
      }
      writeReportDocuments(report, out);
      if (options.metrics !== undefined) writeMetricsFile(report, options.metrics);
      if (!options.quiet) ctx.io.stdout(renderMarkdown(report));
      if (report.run.counts.error > 0) ctx.setExit(EXIT.infra);
      else if (!report.run.passed || report.interrupted || report.baseline?.regressed)
        ctx.setExit(EXIT.failed);
    });
}

function writeReportDirs(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new ChaosError(REPORT_WRITE_FAILED, `cannot create ${dir}`, { cause: error });
  }
}
