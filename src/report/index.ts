/** Reports: SLA math, the report model, renderers (pure) and the run directory (edge). */
export {
  compareWithBaseline,
  describeRegressions,
  parseMaxRegression,
  DEFAULT_REGRESSION_LIMITS,
} from './baseline';
export type { RegressionLimits } from './baseline';
export { buildReport, parseReport, runResultOf, scenarioReport } from './build';
export type { BuildReportOptions, ScenarioContext } from './build';
export { mergeReports, missingShards } from './merge';
export type { MergeInput } from './merge';
export { masterPeriodsOf, parseDaemonEvents, parseProberJsonl } from './evidence';
export { renderHtml, renderTimelineSvg } from './html';
export { renderJunit } from './junit';
export { buildJournal } from './journal';
export type { Journal } from './journal';
export { renderMarkdown } from './markdown';
export { renderMetrics } from './metrics';
export { REPORT_VERSION, reportJsonSchema, reportSchema } from './model';
export type { Report, ScenarioReport } from './model';
export {
  loadBaseline,
  loadReport,
  loadScenarioEvidence,
  renderDocuments,
  writeMetricsFile,
  writeReportDocuments,
} from './run-directory';
export { parseShard, shardScenarios } from './shard';
export type { Shard } from './shard';
export { annualProjection, availabilityPercent, computeSla, errorBudget } from './sla';
export type { ScenarioEvidence } from './timeline';
export { renderTrendHtml, renderTrendMarkdown, trendSeries } from './trend';
