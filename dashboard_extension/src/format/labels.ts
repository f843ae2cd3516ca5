import AMAZON_LABELS from "./amazon-labels.json";

/** Human labels for every Amazon enum the app's API returns, in one table (amazon-labels.json). A test on the
 * server side (tests/dashboard/test_amazon_labels.py) checks that each value of the app's enums has one. */
export type AmazonEnum = keyof typeof AMAZON_LABELS;

const TABLES: Record<AmazonEnum, Record<string, string>> = AMAZON_LABELS;

/** "SOME_VALUE" or "SomeValue" → "Some value": for a value Amazon added after this table was written. */
export function humanize(value: string): string {
  const words = value
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .trim()
    .toLowerCase();
  return words ? words[0]!.toUpperCase() + words.slice(1) : value;
}

export function amazonLabel(kind: AmazonEnum, value: string | null | undefined): string {
  if (!value) return "—";
  return TABLES[kind][value] ?? humanize(value);
}

/** The choices of a select over one enum, in the table's order. */
export function amazonChoices(kind: AmazonEnum, values?: string[]): { value: string; label: string }[] {
  return (values ?? Object.keys(TABLES[kind])).map((value) => ({ value, label: amazonLabel(kind, value) }));
}
