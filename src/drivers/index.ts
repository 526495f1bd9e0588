/** The drivers `chaos run` knows, by name: each lives beside its engine (sim/, docker/). */
import type { DriverKitFactory } from '../run/suite';
import type { DriverName } from '../scenario/types';
import { dockerKit } from './docker/kit';
import { simKit } from './sim/kit';

export const DRIVERS: Readonly<Record<DriverName, DriverKitFactory>> = {
  sim: simKit,
  docker: dockerKit,
};
