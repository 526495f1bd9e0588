/** Capture analysis: pcap reading and writing, frame decoding, the VRRP timeline. */
export { advertLateness } from './advert-lateness';
export type { AdvertLateness, TimeWindow } from './advert-lateness';
export { analyzePcapFiles, followPcapFiles, observePcapFiles } from './analyze-files';
export type { AnalyzeFilesOptions, FollowOptions } from './analyze-files';
export { decodeArp, encodeArp, isGratuitousArp } from './arp';
export type { ArpPacket } from './arp';
export { formatAnalysis } from './format';
export { decodeFrame, observeFrame } from './frame';
export type {
  AdvertObservation,
  ArpObservation,
  DecodedFrame,
  ErrorObservation,
  IgnoredObservation,
  Observation,
} from './frame';
export {
  arpFrame,
  arpReplyFrame,
  arpRequestFrame,
  dockerMac,
  ethernetFrame,
  gratuitousArpFrame,
  multicastMac,
  sll2Frame,
  sllFrame,
  vrrpFrame,
} from './frame-builders';
export { decodeLink } from './link';
export type { LinkFrame } from './link';
export { readCapture, readPcapFile, streamPcapFile, writePcapFile } from './pcap-file';
export type { PcapFileInfo, PcapRecord, ReadCaptureOptions } from './pcap-file';
export { encodePcapng, encodePcapngHeader, encodePcapngRecord } from './pcapng-format';
export {
  encodePcap,
  encodePcapGlobalHeader,
  encodePcapRecord,
  parsePcapHeader,
} from './pcap-format';
export type { PcapHeader, PcapWriteOptions, PcapWriteRecord } from './pcap-format';
export { TimelineBuilder, analyzeTimeline, livenessWindowSeconds } from './timeline';
export type {
  Advert,
  AdvertRun,
  AnalysisCounts,
  AnalysisResult,
  CaptureSource,
  ErrorExample,
  GarpBurst,
  MasterPeriod,
  PriorityZeroEvent,
  SplitBrain,
  Switchover,
  SwitchoverReason,
  TimelineEvent,
  TimelineOptions,
  VridTimeline,
} from './timeline';
