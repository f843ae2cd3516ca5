/** One way to write dates and times on every page: in the Saleor dashboard's language (App Bridge's `locale`), in
 * the staff user's time zone, with the zone named when a time is shown. */
let displayLocale: string | undefined;

/** Called with App Bridge's locale (`?locale=` on the iframe URL, then `localeChanged` events). */
export function setDisplayLocale(locale: string | undefined): void {
  displayLocale = locale || undefined;
}

export function getDisplayLocale(): string | undefined {
  return displayLocale;
}

function formatter(options: Intl.DateTimeFormatOptions, timeZone?: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(displayLocale, { ...options, timeZone });
  } catch {
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone }); // a locale the browser does not know
  }
}

const DATE: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric" };
const TIME: Intl.DateTimeFormatOptions = { hour: "2-digit", minute: "2-digit", timeZoneName: "short" };

function parse(value: string | Date | null | undefined): Date | null {
  if (!value) return null;
  const date = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "6 Dec 2026" (en-GB), "Dec 6, 2026" (en), "6. Dez. 2026" (de); "—" for none. */
export function formatDate(value: string | Date | null | undefined, timeZone?: string): string {
  const date = parse(value);
  if (!date) return typeof value === "string" && value ? value : "—";
  return formatter(DATE, timeZone).format(date);
}

/** The date with the time of day and the zone: "Dec 6, 2026, 08:24 PM UTC". */
export function formatDateTime(value: string | Date | null | undefined, timeZone?: string): string {
  const date = parse(value);
  if (!date) return typeof value === "string" && value ? value : "—";
  return formatter({ ...DATE, ...TIME }, timeZone).format(date);
}

/** The time of day only, for "saved at …". */
export function formatTime(value: Date): string {
  return formatter({ hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(value);
}

const DAY_MS = 86_400_000;

/** Whole days left until `expiresAt`, rounded up as the server counts them (connections/messages.py days_left):
 * 1 until the last second, never below 0. */
export function daysLeft(expiresAt: string | Date, now: Date): number {
  const end = typeof expiresAt === "string" ? new Date(expiresAt) : expiresAt;
  return Math.max(0, Math.ceil((end.getTime() - now.getTime()) / DAY_MS));
}

/** "10 days left", "1 day left"; within the last day "5 hours left", "3 minutes left"; "expired". */
export function formatTimeLeft(expiresAt: string | Date, now: Date): string {
  const end = typeof expiresAt === "string" ? new Date(expiresAt) : expiresAt;
  const remaining = end.getTime() - now.getTime();
  if (remaining <= 0) return "expired";
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"} left`;
  if (remaining >= DAY_MS) return unit(daysLeft(end, now), "day");
  const hours = Math.floor(remaining / 3_600_000);
  if (hours >= 1) return unit(hours, "hour");
  return unit(Math.max(1, Math.floor(remaining / 60_000)), "minute");
}
