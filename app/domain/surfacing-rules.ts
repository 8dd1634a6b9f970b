/**
 * The thresholds at which threads come to the deputy's desk by themselves, and their limits.
 * Browser-safe: the settings form checks them in the browser and on the server alike.
 */
export const SETTING_LIMITS = {
  burstWindowMinutes: { min: 5, max: 1440 },
  burstMinMessages: { min: 2, max: 10_000 },
  burstFactor: { min: 2, max: 100 },
  participantsWindowHours: { min: 1, max: 720 },
  participantsMin: { min: 2, max: 100_000 },
  reportsWindowHours: { min: 1, max: 720 },
  reportsMin: { min: 1, max: 100_000 },
} as const;

export type SurfacingSettingName = keyof typeof SETTING_LIMITS;
export const SURFACING_SETTINGS = Object.keys(SETTING_LIMITS) as SurfacingSettingName[];
