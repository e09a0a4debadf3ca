// The monitor: new releases on landing pages, when the next one is due, and revisions of processed periods.
// state/monitor.json holds what it learns (see state.ts); `datawarp discover` and the action's
// `command: discover` drive it.
export {
  discover,
  pubFreshness,
  recentProcessed,
  type DiscoverDeps,
  type DiscoverOptions,
  type DiscoverResult,
  type PubDiscovery,
  type Deferral,
} from './discover.js';
export { hostPacer, pacedClient, realClock, type HostPacer, type PaceClock } from './pacer.js';
export {
  freshness,
  nextCycle,
  type Freshness,
  type FreshnessInput,
  type FreshnessState,
} from './freshness.js';
export {
  BANK_HOLIDAYS_ENGLAND,
  bankHolidayYears,
  isWorkingDay,
  lastWorkingDayOfMonth,
  londonDay,
  parsePageDate,
  workingDaysBetween,
} from './dates.js';
export {
  findPeriod,
  PageStructureError,
  parseReleasePage,
  parseSeriesPage,
  parseWorkAreaPage,
  releasePeriod,
  type ListedRelease,
  type Upcoming,
} from './pages.js';
export { calendarUrl, nextAnnouncement, GOV_UK } from './calendar.js';
export { EARLIEST_YEAR, implausiblePeriod } from './screen.js';
export {
  clearRevision,
  emptyMonitor,
  markRevised,
  monitorPathFor,
  MonitorStateError,
  parseMonitor,
  pendingRevisions,
  readMonitor,
  serializeMonitor,
  serializeFindings,
  withoutReloaded,
  writeMonitor,
  type MonitorState,
  type PubMonitor,
  type Revision,
} from './state.js';

export { runDiscover, type DiscoverRun } from './run.js';
export type { CarriedRelease } from './carry.js';
