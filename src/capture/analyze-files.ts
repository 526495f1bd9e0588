/**
 * `chaos analyze` as a library call: read captures (the I/O edge), observe every frame,
 * analyse the merged timeline (pure). The scenario runner and the benchmark call this.
 */
import { InputError } from '../errors';
import { FrameObserver } from './frame-observer';
import type { Observation } from './frame';
import { SUPPORTED_LINKTYPES, linkTypeName } from './link';
import { readCapture } from './pcap-file';
import type { ReadCaptureOptions } from './pcap-file';
import { analyzeTimeline } from './timeline';
import type { AnalysisResult, CaptureSource, TimelineOptions } from './timeline';

export type AnalyzeFilesOptions = Omit<TimelineOptions, 'sources'> & ReadCaptureOptions;

/** Throws PCAP_UNSUPPORTED_LINKTYPE for a link type the frame decoder does not know. */
export function checkLinkType(path: string, linkType: number): void {
  if (SUPPORTED_LINKTYPES.includes(linkType)) return;
  throw new InputError(
    'PCAP_UNSUPPORTED_LINKTYPE',
    `${path}: unsupported ${linkTypeName(linkType)} (supported: ${SUPPORTED_LINKTYPES.map(linkTypeName).join(', ')})`,
  );
}

/** Observe every frame of the captures; capture i's observations carry `source` i. */
export async function observePcapFiles(
  paths: readonly string[],
  opts: ReadCaptureOptions = {},
): Promise<{ observations: Observation[]; sources: CaptureSource[] }> {
  if (paths.length === 0) throw new InputError('PCAP_NO_FILES', 'no pcap file given');
  const observations: Observation[] = [];
  const sources: CaptureSource[] = [];
  for (const [index, path] of paths.entries()) {
    let checked = -1;
    const observer = new FrameObserver();
    const info = await readCapture(
      path,
      (record) => {
        if (record.linkType !== checked) {
          checkLinkType(path, record.linkType);
          checked = record.linkType;
        }
        observations.push(
          observer.observe(
            record.linkType,
            record.data,
            record.timestampSeconds,
            index,
            record.frame,
          ),
        );
      },
      opts,
    );
    sources.push({
      index,
      path,
      format: info.format,
      linkType: info.header.linkType,
      linkTypes: info.linkTypes,
      packets: info.records,
      nanosecond: info.header.nanosecond,
      truncated: info.truncated?.message ?? null,
    });
  }
  return { observations, sources };
}

/** Read, merge and analyse captures. Throws InputError for a missing or bad file. */
export async function analyzePcapFiles(
  paths: readonly string[],
  options: AnalyzeFilesOptions = {},
): Promise<AnalysisResult> {
  const { stdin, ...timeline } = options;
  const { observations, sources } = await observePcapFiles(paths, { stdin });
  return analyzeTimeline(observations, { ...timeline, sources });
}
