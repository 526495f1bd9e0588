/**
 * `chaos analyze` as a library call: read pcap files (the I/O edge), observe every frame,
 * analyse the merged timeline (pure). The scenario runner and the benchmark call this.
 */
import { InputError } from '../errors';
import { observeFrame } from './frame';
import type { Observation } from './frame';
import { SUPPORTED_LINKTYPES, linkTypeName } from './link';
import { streamPcapFile } from './pcap-file';
import { analyzeTimeline } from './timeline';
import type { AnalysisResult, CaptureSource, TimelineOptions } from './timeline';

export type AnalyzeFilesOptions = Omit<TimelineOptions, 'sources'>;

/** Observe every frame of the files; file i's observations carry `source` i. */
export async function observePcapFiles(
  paths: readonly string[],
): Promise<{ observations: Observation[]; sources: CaptureSource[] }> {
  if (paths.length === 0) throw new InputError('PCAP_NO_FILES', 'no pcap file given');
  const observations: Observation[] = [];
  const sources: CaptureSource[] = [];
  for (const [index, path] of paths.entries()) {
    let checked = false;
    const info = await streamPcapFile(path, (record) => {
      if (!checked) {
        checked = true;
        if (!SUPPORTED_LINKTYPES.includes(record.linkType)) {
          throw new InputError(
            'PCAP_UNSUPPORTED_LINKTYPE',
            `${path}: unsupported ${linkTypeName(record.linkType)} (supported: ${SUPPORTED_LINKTYPES.map(linkTypeName).join(', ')})`,
          );
        }
      }
      observations.push(
        observeFrame(record.linkType, record.data, record.timestampSeconds, index, record.frame),
      );
    });
    sources.push({
      index,
      path,
      linkType: info.header.linkType,
      packets: info.records,
      nanosecond: info.header.nanosecond,
    });
  }
  return { observations, sources };
}

/** Read, merge and analyse pcap files. Throws InputError for a missing, bad or truncated file. */
export async function analyzePcapFiles(
  paths: readonly string[],
  options: AnalyzeFilesOptions = {},
): Promise<AnalysisResult> {
  const { observations, sources } = await observePcapFiles(paths);
  return analyzeTimeline(observations, { ...options, sources });
}
