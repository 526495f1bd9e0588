/**
 * The one packet capture command of the lab: tcpdump in a node's network namespace, on eth0,
 * packet-buffered (`-U`, `--immediate-mode`: the file is whole up to the last packet even when
 * the node is killed), numeric (`-n`), still root after opening the device (`-Z root`: it may
 * write where only root can), into a pcap file. The scenarios' Docker driver, the wire tests and
 * the failover bench start it with `execDetached` and stop it with SIGINT.
 */
import path from 'node:path';

/** Capture filter: VRRP (IP protocol 112, numeric: no /etc/protocols needed) and ARP. */
export const CAPTURE_FILTER = 'ip proto 112 or arp';

export interface CaptureOptions {
  /** The pcap file, inside the node. */
  file: string;
  /** A tcpdump filter expression (default CAPTURE_FILTER). */
  filter?: string;
  /**
   * Where tcpdump's own messages go (appended), inside the node: the command then runs under
   * `sh -c`, which first creates the folders of the file and the log.
   */
  logFile?: string;
}

/** The argv of the capture: tcpdump itself, or `sh -c` around it when there is a log file. */
export function captureCommand(options: CaptureOptions): string[] {
  const { file, filter = CAPTURE_FILTER, logFile } = options;
  const tcpdump = ['tcpdump', '-i', 'eth0', '--immediate-mode', '-U', '-n', '-Z', 'root'];
  if (logFile === undefined) return [...tcpdump, '-w', file, filter];
  const dirs = [...new Set([path.posix.dirname(file), path.posix.dirname(logFile)])];
  return [
    'sh',
    '-c',
    `mkdir -p ${dirs.join(' ')} && exec ${tcpdump.join(' ')} -w ${file} '${filter}' 2>>${logFile}`,
  ];
}
