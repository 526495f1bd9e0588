/** The simulator as a suite's driver: nothing to prepare or tear down around the scenarios. */
import type { DriverKitFactory } from '../../run/suite';
import { SIM_FAULT_UNSUPPORTED, createSimDriver } from './driver';

export const simKit: DriverKitFactory = () => ({
  name: 'sim',
  factory: createSimDriver,
  // Samples are cheap in virtual time: the report's timeline gets one every 100 ms.
  sampleEveryMs: 100,
  refusalCode: SIM_FAULT_UNSUPPORTED,
});
