/**
 * The witness machines' clock in the simulated year, preloaded into `candor witness serve`
 * (`node --import`): as gpg's --faked-system-time does for the signers, it sets the system
 * clock of the process, here to the simulated time, and leaves the witness's code as it
 * ships. A witness reads the clock for each request (Date.now) and signs that time into its
 * cosignature, and a server lives through the whole year, so a time fixed at its start
 * (--now) would be wrong by the next day.
 *
 * The simulation writes `CANDOR_SIM_CLOCK` as "<simulated ms> <real ms>" each time it moves
 * its clock (Service.now, test/sim/service.ts); the time here is the simulated time plus the
 * real time elapsed since, which is how the runner computes a run's CANDOR_NOW (the event's
 * time plus the time the run has taken). Only Date.now is set: `new Date()` and file times
 * stay the machine's.
 */
import { readFileSync } from 'node:fs';

const file = process.env['CANDOR_SIM_CLOCK'];
if (file) {
  const real = Date.now.bind(Date);
  Date.now = () => {
    const [simulated, at] = readFileSync(file, 'utf8').trim().split(' ').map(Number) as [number, number];
    return simulated + (real() - at);
  };
}
